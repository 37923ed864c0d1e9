// A Baileys client as another device of an account: what it receives of that account's own messages, and a forced
// session loss (clients from sim-baileys.mjs).
import { simClient } from './sim-baileys.mjs'

export const ops = {
  // Loses every 1:1 session, so the next msg from anyone fails and it asks for a retry.
  'sim.forgetSessions': async ({ id }) => simClient(id).keys.forget('session'),
  // Waits until `count` messages sent by the account's other devices arrived here; returns them, oldest first.
  'sim.waitOwnCopies': async ({ id, count, timeoutMs = 30000 }) => {
    const c = simClient(id)
    await c.waitOwnCopies(count, timeoutMs)
    return c.ownCopies
  }
}
