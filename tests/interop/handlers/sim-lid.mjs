// LID addressing, privacy tokens and statuses as unmodified Baileys clients see them against the simulator
// (clients from sim-baileys.mjs).
import { simClient } from './sim-baileys.mjs'

export const ops = {
  // Group metadata with each participant's id and the other namespace Baileys reports beside it.
  'sim.lid.groupMetadata': async ({ id, group }) => {
    const m = await simClient(id).sock.groupMetadata(group)
    return {
      id: m.id,
      addressingMode: m.addressingMode,
      owner: m.owner ?? null,
      ownerPn: m.ownerPn ?? null,
      participants: m.participants.map(p => ({ id: p.id, phoneNumber: p.phoneNumber ?? null, lid: p.lid ?? null, admin: p.admin ?? null }))
    }
  },
  // Waits for `count` groups.upsert entries (groups this client learned it is in); returns them, oldest first.
  'sim.lid.waitGroupUpserts': async ({ id, count, timeoutMs = 30000 }) => simClient(id).waitGroupUpserts(count, timeoutMs),
  // What this client's LID mapping store says about a LID (its phone number JID) and a PN (its LID JID).
  'sim.lid.mapping': async ({ id, lid, pn }) => {
    const mapping = simClient(id).signalRepository.lidMapping
    return { pnForLid: (await mapping.getPNForLID(lid)) ?? null, lidForPn: (await mapping.getLIDForPN(pn)) ?? null }
  },
  // Waits until this client holds a privacy token issued by `jid` (Baileys stores them under the issuer's LID).
  'sim.lid.waitTcToken': async ({ id, jid, timeoutMs = 30000 }) => { await simClient(id).waitTcToken(jid, timeoutMs) },
  // Posts a text status for the listed users; returns its id.
  'sim.lid.sendStatus': async ({ id, text, statusJidList }) => simClient(id).sendStatus(text, statusJidList),
  // Waits for `count` of this client's messages refused by the server; returns { id, error } of each.
  'sim.lid.waitSendErrors': async ({ id, count, timeoutMs = 30000 }) => simClient(id).waitSendErrors(count, timeoutMs)
}
