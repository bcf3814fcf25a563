/** The channels gopy speaks on (stored in subscribers.channel and deliveries.channel). */
export const channelNames = ["telegram", "zalo-oa", "zalo-bot", "sim"] as const;
export type ChannelName = (typeof channelNames)[number];
