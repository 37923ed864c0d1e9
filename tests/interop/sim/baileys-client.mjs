// An unmodified Baileys client driven against the WaCluster simulator: in-memory auth state, silent logger,
// automatic reconnect after the 515 restart that follows pairing, and recorders for what the tests wait on.
import { makeWASocket, initAuthCreds, DisconnectReason, downloadMediaMessage } from 'baileys'

const silent = { level: 'silent', child: () => silent, trace () {}, debug () {}, info () {}, warn () {}, error () {}, fatal () {} }

const memoryKeyStore = () => {
  const data = new Map()
  return {
    get: async (type, ids) => Object.fromEntries(ids.map(id => [id, data.get(`${type}/${id}`)]).filter(([, v]) => v !== undefined)),
    set: async changes => {
      for (const [type, values] of Object.entries(changes)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          if (value === null || value === undefined) data.delete(`${type}/${id}`)
          else data.set(`${type}/${id}`, value)
        }
      }
    },
    // The stored value, synchronously, for waits on what the client stored (privacy tokens).
    peek: (type, id) => data.get(`${type}/${id}`),
    // Loses keys of a type whose id starts with `prefix` (a test forcing decrypt failures); returns how many.
    forget: (type, prefix = '') => {
      const doomed = [...data.keys()].filter(k => k.startsWith(`${type}/${prefix}`))
      for (const k of doomed) data.delete(k)
      return doomed.length
    }
  }
}

// Resolves when `predicate()` is truthy, re-checked whenever the client records something.
export const waitFor = (client, predicate, timeoutMs, what) => new Promise((resolve, reject) => {
  const check = () => {
    const value = predicate()
    if (value) {
      clearTimeout(timer)
      client.waiters.delete(check)
      resolve(value)
    }
  }
  const timer = setTimeout(() => {
    client.waiters.delete(check)
    reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; state ${JSON.stringify(client.summary())}`))
  }, timeoutMs)
  client.waiters.add(check)
  check()
})

export class SimClient {
  // history: { full } makes a client that asks for (full: every chunk type) and processes its phone's history sync.
  constructor ({ url, name, history }) {
    this.url = url
    this.name = name
    this.history = history
    this.histories = [] // { syncType, progress, chunkOrder, chats, contacts, messages } per messaging-history.set
    this.creds = initAuthCreds()
    this.keys = memoryKeyStore()
    // Waits re-check after every key store write too.
    const set = this.keys.set
    this.keys.set = async changes => {
      await set(changes)
      this.notify()
    }
    this.waiters = new Set()
    this.qrs = []
    this.received = [] // { id, from, participant, text, quotedId, alt } (alt: the sender in the other namespace, PN or LID)
    this.messages = new Map() // message id -> the received WAMessage, to quote, react to or edit
    this.sent = new Map() // message id -> the Message we sent, for getMessage (answers retry receipts)
    this.changes = [] // { id, kind: 'reaction' | 'edit' | 'revoke', targetId, text } for incoming reactions, edits and revokes
    this.images = new Map() // message id -> the received image message, for download
    this.statuses = new Map() // message id -> highest status seen
    this.ownCopies = [] // { id, chat, text, alt } of messages our other devices sent (alt: our own JID in the other namespace)
    this.presences = [] // { id, participant, lastKnownPresence, lastSeen } per presence.update entry
    this.groupEvents = [] // { event: 'groups.update' | 'group-participants.update', ...payload }
    this.groupUpserts = [] // { id, subject, addressingMode, participants: [{ id, phoneNumber, lid, admin }] } per groups.upsert entry
    this.sendErrors = [] // { id, error } for each message of ours the server refused with an error ack
    this.opens = 0
    this.closes = []
    this.closeReasons = [] // what the server said (e.g. its stream error) for each close, for failure messages
    this.stopped = false
    this.sock = undefined
  }

  notify () { for (const check of [...this.waiters]) check() }

  summary () {
    return { name: this.name, me: this.creds.me, opens: this.opens, closes: this.closes, closeReasons: this.closeReasons, received: this.received.length, qrs: this.qrs.length, statuses: Object.fromEntries(this.statuses) }
  }

  connect () {
    this.stopped = false
    const sock = makeWASocket({
      waWebSocketUrl: this.url,
      auth: { creds: this.creds, keys: this.keys },
      logger: silent,
      browser: ['Ubuntu', 'Chrome', '22.04'],
      syncFullHistory: this.history?.full ?? true,
      // Baileys' own default (every type but FULL) for a history client asking for the recent window only.
      ...(this.history ? (this.history.full ? { shouldSyncHistoryMessage: () => true } : {}) : { shouldSyncHistoryMessage: () => false }),
      // Online clients send delivery receipts; offline ones send 'inactive' receipts that set no status.
      markOnlineOnConnect: true,
      connectTimeoutMs: 20000,
      defaultQueryTimeoutMs: 20000,
      // As Baileys asks its users: return sent messages so a peer's retry receipt can be answered by a resend.
      getMessage: async key => this.sent.get(key.id)
    })
    this.sock = sock
    // Kept past a disconnect: the key store it reads stays with this client.
    this.signalRepository = sock.signalRepository
    sock.ev.on('creds.update', update => {
      Object.assign(this.creds, update)
      // Presence needs a push name; a freshly paired companion has none until the user sets one.
      if (this.creds.me && !this.creds.me.name) this.creds.me.name = this.name
    })
    sock.ev.on('connection.update', update => {
      if (update.qr) this.qrs.push(update.qr)
      if (update.connection === 'open') this.opens++
      if (update.connection === 'close') {
        const code = update.lastDisconnect?.error?.output?.statusCode
        this.closes.push(code ?? 0)
        const error = update.lastDisconnect?.error
        this.closeReasons.push(error?.data ? JSON.stringify(error.data) : String(error?.message))
        if (this.sock === sock) this.sock = undefined
        if (code === DisconnectReason.restartRequired && !this.stopped) this.connect()
      }
      this.notify()
    })
    sock.ev.on('messages.upsert', ({ messages }) => {
      for (const m of messages) {
        // Baileys folds a receipt that arrives while our own message is still buffered into that message's status.
        if (m.key.fromMe) {
          if (typeof m.status === 'number') this.statuses.set(m.key.id, Math.max(m.status, this.statuses.get(m.key.id) ?? 0))
          // An error ack arriving while our message is still buffered is folded into it the same way.
          if (m.status === 0 && m.messageStubParameters?.length) this.sendErrors.push({ id: m.key.id, error: m.messageStubParameters[0] })
          // What another device of this account sent (its device-sent copy), not what this client sent itself.
          const copy = m.message?.conversation ?? m.message?.extendedTextMessage?.text
          if (copy !== undefined && copy !== null && !this.sent.has(m.key.id)) this.ownCopies.push({ id: m.key.id, chat: m.key.remoteJid, text: copy, alt: m.key.remoteJidAlt ?? null })
          this.notify()
          continue
        }
        this.messages.set(m.key.id, m)
        const reaction = m.message?.reactionMessage
        const protocol = m.message?.protocolMessage
        if (reaction) this.changes.push({ id: m.key.id, kind: 'reaction', targetId: reaction.key?.id, text: reaction.text ?? '' })
        if (protocol?.type === 0) this.changes.push({ id: m.key.id, kind: 'revoke', targetId: protocol.key?.id, text: null })
        if (protocol?.type === 14) {
          const edited = protocol.editedMessage
          this.changes.push({ id: m.key.id, kind: 'edit', targetId: protocol.key?.id, text: edited?.conversation ?? edited?.extendedTextMessage?.text ?? null })
        }
        if (m.message?.imageMessage) this.images.set(m.key.id, m)
        const text = m.message?.conversation ?? m.message?.extendedTextMessage?.text ?? m.message?.imageMessage?.caption
        const quotedId = m.message?.extendedTextMessage?.contextInfo?.stanzaId ?? null
        const alt = m.key.participantAlt ?? m.key.remoteJidAlt ?? null
        if (text !== undefined) this.received.push({ id: m.key.id, from: m.key.remoteJid, participant: m.key.participant ?? null, text, quotedId, alt })
      }
      this.notify()
    })
    sock.ev.on('messages.reaction', reactions => {
      for (const { key, reaction } of reactions) {
        if (!this.changes.some(c => c.kind === 'reaction' && c.targetId === key.id && c.text === (reaction.text ?? ''))) {
          this.changes.push({ id: reaction.key?.id ?? null, kind: 'reaction', targetId: key.id, text: reaction.text ?? '' })
        }
      }
      this.notify()
    })
    sock.ev.on('messaging-history.set', ({ chats, contacts, messages, syncType, progress, chunkOrder }) => {
      this.histories.push({ syncType, progress: progress ?? null, chunkOrder: chunkOrder ?? null, chats: chats.map(c => c.id), contacts: contacts.map(c => c.id), messages: messages.map(m => m.key.id) })
      this.notify()
    })
    sock.ev.on('presence.update', ({ id, presences }) => {
      for (const [participant, p] of Object.entries(presences)) {
        this.presences.push({ id, participant, lastKnownPresence: p.lastKnownPresence, lastSeen: p.lastSeen ?? null })
      }
      this.notify()
    })
    sock.ev.on('groups.update', updates => {
      for (const u of updates) this.groupEvents.push({ event: 'groups.update', ...u })
      this.notify()
    })
    sock.ev.on('group-participants.update', u => {
      this.groupEvents.push({ event: 'group-participants.update', id: u.id, author: u.author ?? null, action: u.action, participants: u.participants.map(p => typeof p === 'string' ? p : p.id) })
      this.notify()
    })
    sock.ev.on('groups.upsert', groups => {
      for (const g of groups) {
        this.groupUpserts.push({
          id: g.id,
          subject: g.subject,
          addressingMode: g.addressingMode,
          participants: g.participants.map(p => ({ id: p.id, phoneNumber: p.phoneNumber ?? null, lid: p.lid ?? null, admin: p.admin ?? null }))
        })
      }
      this.notify()
    })
    sock.ev.on('messages.update', updates => {
      for (const { key, update } of updates) {
        if (key.fromMe && update.status === 0 && update.messageStubParameters?.length) this.sendErrors.push({ id: key.id, error: update.messageStubParameters[0] })
        if (key.fromMe && typeof update.status === 'number') {
          this.statuses.set(key.id, Math.max(update.status, this.statuses.get(key.id) ?? 0))
        }
      }
      this.notify()
    })
  }

  // A second client with this one's credentials, as when the same linked device connects from elsewhere.
  twin (name) {
    const twin = new SimClient({ url: this.url, name })
    twin.creds = this.creds
    twin.keys = this.keys
    return twin
  }

  waitClose (count, timeoutMs) { return waitFor(this, () => this.closes.length >= count, timeoutMs, `close #${count}`) }

  async logout () {
    this.stopped = true
    const closed = this.closes.length
    await this.sock.logout()
    await waitFor(this, () => this.closes.length > closed, 10000, 'close after logout')
  }

  waitQr (timeoutMs) { return waitFor(this, () => this.qrs[0], timeoutMs, 'a QR code') }

  waitOpen (opens, timeoutMs) { return waitFor(this, () => this.opens >= opens && this.sock, timeoutMs, `open #${opens}`) }

  waitReceived (count, timeoutMs) { return waitFor(this, () => this.received.length >= count, timeoutMs, `${count} messages`) }

  waitStatus (id, status, timeoutMs) { return waitFor(this, () => (this.statuses.get(id) ?? 0) >= status, timeoutMs, `status ${status} of ${id}`) }

  async send (to, text) {
    const sent = await this.sock.sendMessage(to, { text })
    this.sent.set(sent.key.id, sent.message)
    return sent.key.id
  }

  waitGroupUpserts (count, timeoutMs) { return waitFor(this, () => this.groupUpserts.length >= count && this.groupUpserts, timeoutMs, `${count} groups.upsert entries`) }

  // Resolves once this client holds a privacy token from `jid` (its storage JID, the issuer's LID).
  waitTcToken (jid, timeoutMs) { return waitFor(this, () => this.keys.peek('tctoken', jid)?.token?.length > 0, timeoutMs, `a privacy token from ${jid}`) }

  waitSendErrors (count, timeoutMs) { return waitFor(this, () => this.sendErrors.length >= count && this.sendErrors, timeoutMs, `${count} refused messages`) }

  // Posts a text status to status@broadcast for the listed users only, as Baileys' users do.
  async sendStatus (text, statusJidList) {
    const sent = await this.sock.sendMessage('status@broadcast', { text }, { statusJidList })
    this.sent.set(sent.key.id, sent.message)
    return sent.key.id
  }

  waitOwnCopies (count, timeoutMs) { return waitFor(this, () => this.ownCopies.length >= count, timeoutMs, `${count} copies from our other devices`) }

  waitHistory (syncTypes, timeoutMs) {
    const complete = type => {
      const chunks = this.histories.filter(h => h.syncType === type)
      const last = chunks.find(h => h.progress === 100)
      return last && new Set(chunks.map(h => h.chunkOrder)).size === last.chunkOrder
    }
    return waitFor(this, () => syncTypes.every(complete), timeoutMs, `every history chunk of types ${syncTypes}: ${JSON.stringify(this.histories.map(h => [h.syncType, h.chunkOrder, h.progress]))}`)
  }

  waitPresences (count, timeoutMs) { return waitFor(this, () => this.presences.length >= count, timeoutMs, `${count} presence updates`) }

  // Counts only `event` entries when given. (Baileys' event buffer keeps only the first groups.update per group of a burst.)
  waitGroupEvents (count, timeoutMs, event) {
    const seen = () => this.groupEvents.filter(e => !event || e.event === event)
    return waitFor(this, () => seen().length >= count && seen(), timeoutMs, `${count} ${event ?? 'group'} events`)
  }

  waitChanges (count, timeoutMs) { return waitFor(this, () => this.changes.length >= count, timeoutMs, `${count} reactions/edits/revokes`) }

  // Replies to, reacts to, edits or revokes a message by id: one of ours (sent) or one received.
  async sendKind (to, kind, { text, targetId, fromMe }) {
    const key = fromMe ? { remoteJid: to, fromMe: true, id: targetId } : this.messages.get(targetId)?.key
    if (!key) throw new Error(`no message ${targetId} to act on`)
    const content = kind === 'reaction' ? { react: { text, key } }
      : kind === 'edit' ? { text, edit: key }
        : kind === 'revoke' ? { delete: key }
          : { text }
    const options = kind === 'reply' ? { quoted: this.messages.get(targetId) } : undefined
    const sent = await this.sock.sendMessage(to, content, options)
    return sent.key.id
  }

  async readMessages (ids) { await this.sock.readMessages(ids.map(id => this.messages.get(id).key)) }

  async sendImage (to, image, caption) {
    const sent = await this.sock.sendMessage(to, { image, caption })
    return sent.key.id
  }

  async downloadImage (messageId) {
    const m = this.images.get(messageId)
    if (!m) throw new Error(`no image ${messageId} received`)
    return downloadMediaMessage(m, 'buffer', {}, { logger: silent, reuploadRequest: this.sock.updateMediaMessage })
  }

  // Goes offline the way a dropped client does: the socket ends, creds and keys stay for the next connect.
  async disconnect () {
    this.stopped = true
    const sock = this.sock
    if (!sock) return
    const closed = this.closes.length
    sock.end(undefined)
    await waitFor(this, () => this.closes.length > closed, 10000, 'close')
  }
}
