// Wrapped messages, disappearing timers and statuses between our engine and unmodified Baileys clients
// (clients from sim-baileys.mjs).
import { proto, generateMessageIDV2 } from 'baileys'
import { waitFor } from '../sim/baileys-client.mjs'
import { simClient } from './sim-baileys.mjs'

// chats.update entries per client, recorded from the first wrap.watchChats on.
const chatUpdates = new Map()

const plain = message => proto.Message.toObject(message, { longs: Number, enums: Number, bytes: String, defaults: false })

export const ops = {
  // Relays a Message given as WAProto JSON (wrappers included) as it is; returns its id.
  'wrap.relay': async ({ id, to, message }) => {
    const c = simClient(id)
    const content = proto.Message.fromObject(message)
    const messageId = generateMessageIDV2(c.creds.me.id)
    await c.sock.relayMessage(to, content, { messageId })
    c.sent.set(messageId, content)
    return messageId
  },
  // A text sent the way Baileys sends one inside a disappearing chat (its ephemeralExpiration option).
  'wrap.sendText': async ({ id, to, text, ephemeralExpiration }) => {
    const c = simClient(id)
    const sent = await c.sock.sendMessage(to, { text }, { ephemeralExpiration })
    c.sent.set(sent.key.id, sent.message)
    return sent.key.id
  },
  // Sets the chat's disappearing timer (seconds, 0 = off) as Baileys' users do.
  'wrap.setDisappearing': async ({ id, to, seconds }) => {
    const c = simClient(id)
    const sent = await c.sock.sendMessage(to, { disappearingMessagesInChat: seconds })
    c.sent.set(sent.key.id, sent.message)
    return sent.key.id
  },
  // The WAProto JSON of a received message, once it is there.
  'wrap.received': async ({ id, messageId, timeoutMs = 30000 }) => {
    const c = simClient(id)
    const m = await waitFor(c, () => c.messages.get(messageId), timeoutMs, `message ${messageId}`)
    return { from: m.key.remoteJid, participant: m.key.participant ?? null, message: plain(m.message) }
  },
  'wrap.watchChats': async ({ id }) => {
    const c = simClient(id)
    if (chatUpdates.has(c)) return
    const updates = []
    chatUpdates.set(c, updates)
    c.sock.ev.on('chats.update', list => {
      for (const u of list) updates.push({ id: u.id, ephemeralExpiration: u.ephemeralExpiration ?? null })
      c.notify()
    })
  },
  // Waits for a chats.update of `jid` whose disappearing timer is `seconds` (null: switched off).
  'wrap.waitChatTimer': async ({ id, jid, seconds, timeoutMs = 30000 }) => {
    const c = simClient(id)
    const updates = chatUpdates.get(c) ?? (() => { throw new Error('wrap.watchChats first') })()
    return waitFor(c, () => updates.find(u => u.id === jid && u.ephemeralExpiration === seconds), timeoutMs, `chat ${jid} timer ${seconds}`)
  }
}
