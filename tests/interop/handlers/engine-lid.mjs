// What the engine-lid proofs ask of unmodified Baileys clients beyond sim-baileys.mjs (clients from there).
import { proto } from 'baileys'
import { simClient } from './sim-baileys.mjs'

export const ops = {
  // Ids of received messages this client still holds only as an undecryptable placeholder (CIPHERTEXT stub).
  'engine.lid.undecrypted': async ({ id }) =>
    [...simClient(id).messages.values()]
      .filter(m => m.messageStubType === proto.WebMessageInfo.StubType.CIPHERTEXT)
      .map(m => m.key.id)
}
