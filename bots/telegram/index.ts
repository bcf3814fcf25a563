export { createTelegramChannel, type TelegramChannelOptions, type TelegramMode } from "./channel.js";
