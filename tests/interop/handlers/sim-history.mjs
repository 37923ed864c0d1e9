// History sync of unmodified Baileys clients (started by sim.start with `history`) against the simulated phone, and
// Baileys' history path over the same chunks for the sync benchmark.
import { downloadAndProcessHistorySyncNotification } from 'baileys'
import { simClient } from './sim-baileys.mjs'

let mediaHost
const realFetch = globalThis.fetch

export const ops = {
  // Baileys fetches history blobs from WhatsApp's media host by direct path (mmg.whatsapp.net); this resolves that host
  // to the simulator's media host, whose self-signed certificate is accepted.
  'sim.history.mediaHost': async ({ host }) => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    mediaHost = host
    globalThis.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input.url
      return realFetch(url.replace(/^https:\/\/mmg\.whatsapp\.net\//, `https://${mediaHost}/`), init)
    }
  },
  // Waits until the client has announced every chunk of each of `syncTypes` (the chunk with progress 100 and all
  // orders up to its own); returns every set and the distinct chats, contacts and messages they carried.
  'sim.history.wait': async ({ id, syncTypes, timeoutMs = 60000 }) => {
    const c = simClient(id)
    await c.waitHistory(syncTypes, timeoutMs)
    const distinct = pick => new Set(c.histories.flatMap(pick)).size
    return {
      sets: c.histories.map(({ syncType, progress, chunkOrder, chats, contacts, messages }) => ({ syncType, progress, chunkOrder, chats: chats.length, contacts: contacts.length, messages: messages.length })),
      chats: distinct(h => h.chats),
      contacts: distinct(h => h.contacts),
      messages: distinct(h => h.messages)
    }
  }
}

// Baileys' own history path (downloadAndProcessHistorySyncNotification: download, decrypt, inflate, decode,
// processHistoryMessage) over the given chunks, their blobs answered from memory; best of `trials` runs.
ops['sync.history.bench'] = async ({ chunks, trials = 3 }) => {
  const blobs = new Map(chunks.map(c => [c.directPath, Buffer.from(c.blob, 'base64')]))
  const notifications = chunks.map(c => ({ mediaKey: Buffer.from(c.mediaKey, 'base64'), directPath: c.directPath }))
  const previous = globalThis.fetch
  globalThis.fetch = async input => new Response(blobs.get(new URL(typeof input === 'string' ? input : input.url).pathname))
  try {
    let best = 0
    let peak = 0
    let messages = 0
    for (let trial = 0; trial < trials; trial++) {
      const base = process.memoryUsage().heapUsed
      const started = process.hrtime.bigint()
      messages = 0
      for (const n of notifications) {
        const data = await downloadAndProcessHistorySyncNotification(n, {})
        messages += data.messages.length
        peak = Math.max(peak, process.memoryUsage().heapUsed - base)
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      best = Math.max(best, messages / seconds)
    }
    return { messagesPerSecond: best, messages, peakHeapBytes: peak }
  } finally {
    globalThis.fetch = previous
  }
}
