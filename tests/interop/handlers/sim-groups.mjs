// Group administration by unmodified Baileys clients against the simulator, the group events they see, and a
// check of what a member's own sender-key store can decrypt (clients from sim-baileys.mjs).
import { proto } from 'baileys/WAProto/index.js'
import { unpadRandomMax16 } from 'baileys/lib/Utils/generics.js'
import { simClient } from './sim-baileys.mjs'
import { fromB64 } from './util.mjs'

export const ops = {
  'sim.group.subject': async ({ id, group, subject }) => { await simClient(id).sock.groupUpdateSubject(group, subject) },
  'sim.group.description': async ({ id, group, description }) => { await simClient(id).sock.groupUpdateDescription(group, description ?? undefined) },
  // announcement | not_announcement | locked | unlocked
  'sim.group.setting': async ({ id, group, setting }) => { await simClient(id).sock.groupSettingUpdate(group, setting) },
  'sim.group.ephemeral': async ({ id, group, seconds }) => { await simClient(id).sock.groupToggleEphemeral(group, seconds) },
  // add | remove | promote | demote; returns Baileys' status per participant
  'sim.group.participants': async ({ id, group, participants, action }) =>
    (await simClient(id).sock.groupParticipantsUpdate(group, participants, action)).map(r => ({ jid: r.jid, status: r.status })),
  'sim.group.metadata': async ({ id, group }) => {
    const m = await simClient(id).sock.groupMetadata(group)
    return {
      id: m.id,
      subject: m.subject,
      desc: m.desc ?? null,
      announce: m.announce,
      restrict: m.restrict,
      ephemeralDuration: m.ephemeralDuration ?? null,
      participants: m.participants.map(p => ({ id: p.id, admin: p.admin ?? null }))
    }
  },
  // Waits until the client recorded `count` groups.update / group-participants.update events (only `event` ones
  // when given); returns those, oldest first.
  'sim.group.waitEvents': async ({ id, count, event, timeoutMs = 30000 }) => simClient(id).waitGroupEvents(count, timeoutMs, event),
  // Decrypts a sender-key message of `author` in `group` with this client's own sender-key store (also while it is
  // offline), as its message handling would: the text, or the error the store gives.
  'sim.group.tryDecrypt': async ({ id, group, author, skmsg }) => {
    try {
      const plain = await simClient(id).signalRepository.decryptGroupMessage({ group, authorJid: author, msg: fromB64(skmsg) })
      const message = proto.Message.decode(unpadRandomMax16(plain))
      return { text: message.conversation ?? message.extendedTextMessage?.text ?? null, error: null }
    } catch (error) {
      return { text: null, error: String(error?.message ?? error) }
    }
  },
  // Loses every sender key this client holds for `group`, so the next skmsg there fails and it asks for a retry.
  'sim.group.forgetSenderKeys': async ({ id, group }) => simClient(id).keys.forget('sender-key', `${group}::`)
}
