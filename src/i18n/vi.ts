/** Vietnamese messages (the default locale). Short, polite, plain. */
export const vi = {
  "service.noKeys": "Chưa có khoá API nào.",
};
