// Media ops for the Baileys clients of sim-baileys.mjs: send each media kind, record received media messages,
// download them with Baileys' own downloadMediaMessage. The simulator's media host certificate is self-signed.
import { downloadMediaMessage } from 'baileys'
import { simClient } from './sim-baileys.mjs'
import { fromB64, toB64 } from './util.mjs'

const silent = { level: 'silent', child: () => silent, trace () {}, debug () {}, info () {}, warn () {}, error () {}, fatal () {} }
const kinds = ['image', 'video', 'audio', 'document', 'sticker']
const recorded = new WeakMap() // client -> Map(message id -> WAMessage)

const mediaOf = m => kinds.map(k => [k, m.message?.[`${k}Message`]]).find(([, v]) => v)

const summary = (m) => {
  const [kind, media] = mediaOf(m)
  const opt = v => (v === undefined || v === null ? null : v)
  const num = v => (v === undefined || v === null ? null : Number(v))
  const bytes = v => (v && v.length ? toB64(Buffer.from(v)) : null)
  return {
    id: m.key.id,
    kind,
    mimetype: opt(media.mimetype),
    caption: opt(media.caption),
    fileName: opt(media.fileName),
    ptt: opt(media.ptt),
    gifPlayback: opt(media.gifPlayback),
    seconds: num(media.seconds),
    width: num(media.width),
    height: num(media.height),
    fileLength: num(media.fileLength),
    mediaKeyTimestamp: num(media.mediaKeyTimestamp),
    url: opt(media.url),
    directPath: opt(media.directPath),
    jpegThumbnail: bytes(media.jpegThumbnail),
    fileSha256: bytes(media.fileSha256),
    fileEncSha256: bytes(media.fileEncSha256),
    mediaKeyLength: media.mediaKey?.length ?? 0
  }
}

export const ops = {
  // Starts recording the media messages client `id` receives (call before they are sent).
  'media.sim.watch': async ({ id }) => {
    const c = simClient(id)
    const seen = new Map()
    recorded.set(c, seen)
    c.sock.ev.on('messages.upsert', ({ messages }) => {
      for (const m of messages) if (!m.key.fromMe && mediaOf(m)) seen.set(m.key.id, m)
    })
  },
  'media.sim.waitMedia': async ({ id, count, timeoutMs = 30000 }) => {
    const seen = recorded.get(simClient(id))
    const deadline = Date.now() + timeoutMs
    while (seen.size < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} media messages, have ${seen.size}`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    return [...seen.values()].map(summary)
  },
  'media.sim.download': async ({ id, messageId }) => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    const c = simClient(id)
    const m = recorded.get(c)?.get(messageId)
    if (!m) throw new Error(`no media message ${messageId} received by ${id}`)
    return toB64(await downloadMediaMessage(m, 'buffer', {}, { logger: silent, reuploadRequest: c.sock.updateMediaMessage }))
  },
  // Downloads like media.sim.download; when the host answers 404/410 (expired), asks the sender for a re-upload with
  // Baileys' updateMediaMessage and downloads again. downloadMediaMessage's own reupload hook never fires in
  // 7.0.0-rc14: it tests error.status, which its Boom errors do not carry (they carry output.statusCode).
  'media.sim.downloadReuploading': async ({ id, messageId }) => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    const c = simClient(id)
    const m = recorded.get(c)?.get(messageId)
    if (!m) throw new Error(`no media message ${messageId} received by ${id}`)
    const download = msg => downloadMediaMessage(msg, 'buffer', {}, { logger: silent, reuploadRequest: c.sock.updateMediaMessage })
    try {
      return { data: toB64(await download(m)), expiredStatus: null, directPath: summary(m).directPath }
    } catch (error) {
      const status = error?.output?.statusCode
      if (status !== 404 && status !== 410) throw error
      await c.sock.refreshMediaConn(true) // so the new URL names the media host of this server, not mmg.whatsapp.net
      const updated = await c.sock.updateMediaMessage(m)
      return { data: toB64(await download(updated)), expiredStatus: status, directPath: summary(updated).directPath }
    }
  },
  // Sends each item as Baileys' sendMessage content; returns [{ id, fileSha256, fileLength }].
  'media.sim.send': async ({ id, to, items }) => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    const c = simClient(id)
    const sent = []
    for (const item of items) {
      const content = { [item.kind]: fromB64(item.data) }
      for (const field of ['caption', 'mimetype', 'fileName', 'ptt', 'seconds', 'width', 'height', 'gifPlayback']) {
        if (item[field] !== undefined && item[field] !== null) content[field] = item[field]
      }
      if (item.thumbnail) content.jpegThumbnail = fromB64(item.thumbnail)
      const m = await c.sock.sendMessage(to, content)
      sent.push(summary(m))
    }
    return sent
  }
}
