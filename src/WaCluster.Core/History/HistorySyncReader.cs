using System.IO.Compression;
using Google.Protobuf;
using WaCluster.Core.Events;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using ProtoConversation = WaCluster.Protocol.Proto.Conversation;

namespace WaCluster.Core.History;

/// <summary>
/// Reads a history chunk from its verified, deflated plaintext as a stream: inflated through a fixed window and parsed
/// one conversation at a time, so memory holds what the chunk announces (its chats, contacts and messages), never the
/// inflated protobuf whole. Fields the event does not carry are skipped unread.
/// </summary>
public static class HistorySyncReader
{
    private const int SyncTypeField = 1;
    private const int ConversationsField = 2;
    private const int ChunkOrderField = 5;
    private const int ProgressField = 6;
    private const int PushNamesField = 7;

    /// <exception cref="HistorySyncException">It does not inflate, inflates past <paramref name="maxInflatedBytes"/>, or is not a HistorySync.</exception>
    public static HistorySynced Read(Stream deflated, long maxInflatedBytes)
    {
        ArgumentNullException.ThrowIfNull(deflated);
        try
        {
            using var inflated = new LimitedStream(new ZLibStream(deflated, CompressionMode.Decompress, leaveOpen: true), maxInflatedBytes);
            using var input = new CodedInputStream(inflated, leaveOpen: true);
            return Parse(input);
        }
        catch (InvalidDataException ex)
        {
            throw new HistorySyncException("history chunk does not inflate", ex);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new HistorySyncException("history chunk is not a HistorySync protobuf", ex);
        }
    }

    private static HistorySynced Parse(CodedInputStream input)
    {
        var syncType = HistorySync.Types.HistorySyncType.InitialBootstrap;
        uint chunkOrder = 0, progress = 0;
        var chats = new List<HistoryChat>();
        var contacts = new Dictionary<Jid, ContactInfo>();
        var messages = new List<WebMessageInfo>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var wire = WireFormat.GetTagWireType(tag);
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case SyncTypeField when wire == WireFormat.WireType.Varint:
                    syncType = (HistorySync.Types.HistorySyncType)input.ReadEnum();
                    break;
                case ChunkOrderField when wire == WireFormat.WireType.Varint:
                    chunkOrder = input.ReadUInt32();
                    break;
                case ProgressField when wire == WireFormat.WireType.Varint:
                    progress = input.ReadUInt32();
                    break;
                case ConversationsField when wire == WireFormat.WireType.LengthDelimited:
                    var conversation = new ProtoConversation();
                    input.ReadMessage(conversation);
                    var id = JidOf(conversation.Id, "conversation");
                    var name = NonEmpty(conversation.DisplayName) ?? NonEmpty(conversation.Name) ?? NonEmpty(conversation.Username);
                    var last = conversation.ConversationTimestamp > 0 ? DateTimeOffset.FromUnixTimeSeconds((long)conversation.ConversationTimestamp) : (DateTimeOffset?)null;
                    chats.Add(new HistoryChat(id, name, conversation.UnreadCount, last));
                    contacts.TryAdd(id, new ContactInfo(id));
                    foreach (var item in conversation.Messages)
                    {
                        if (item.Message is { Key: not null } message) messages.Add(message);
                    }
                    break;
                case PushNamesField when wire == WireFormat.WireType.LengthDelimited:
                    var pushName = new Pushname();
                    input.ReadMessage(pushName);
                    var contact = JidOf(pushName.Id, "push name");
                    contacts[contact] = new ContactInfo(contact, Notify: NonEmpty(pushName.Pushname_));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return new HistorySynced(syncType, chunkOrder, progress, chats, [.. contacts.Values], messages);
    }

    private static Jid JidOf(string value, string what) =>
        Jid.TryParse(value, out var jid) && !jid.IsEmpty ? jid : throw new HistorySyncException($"history chunk has a {what} with an invalid JID '{value}'");

    private static string? NonEmpty(string value) => value.Length > 0 ? value : null;

    /// <summary>Fails once more than the limit has been read, so an inflation bomb stops at the limit.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            _read += read;
            if (_read > limit) throw new HistorySyncException($"history chunk inflates past the limit of {limit} bytes");
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
