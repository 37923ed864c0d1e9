using WaCluster.Protocol.Proto;
using ProtoConversation = WaCluster.Protocol.Proto.Conversation;
using SyncType = WaCluster.Protocol.Proto.HistorySync.Types.HistorySyncType;

namespace WaCluster.Simulator.History;

/// <summary>
/// Splits a phone's history into the chunks WhatsApp sends a newly linked companion, in order: INITIAL_BOOTSTRAP (every
/// chat with its newest messages), RECENT (the rest of the recent window), FULL (older messages, only for a companion
/// that asked for full history), PUSH_NAME and NON_BLOCKING_DATA. Each chunk of a type carries its order (from 1) and
/// the progress of that type in percent; no message is in two chunks.
/// </summary>
internal static class HistoryChunks
{
    /// <summary>Newest messages of each chat in the bootstrap chunk.</summary>
    private const int BootstrapMessagesPerChat = 3;

    public static IEnumerable<HistorySync> Split(SeededHistory history, HistoryWindow window)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(window);
        var bootstrap = new List<(ProtoConversation, IReadOnlyList<WebMessageInfo>)>();
        var recent = new List<(ProtoConversation, IReadOnlyList<WebMessageInfo>)>();
        var older = new List<(ProtoConversation, IReadOnlyList<WebMessageInfo>)>();
        foreach (var chat in history.Chats)
        {
            var inWindow = chat.Messages.TakeWhile(m => m.MessageTimestamp >= window.OldestRecentTimestamp).ToList();
            bootstrap.Add((chat.Conversation, inWindow.Take(BootstrapMessagesPerChat).ToList()));
            if (inWindow.Count > BootstrapMessagesPerChat) recent.Add((chat.Conversation, inWindow.Skip(BootstrapMessagesPerChat).ToList()));
            if (window.Full && chat.Messages.Count > inWindow.Count) older.Add((chat.Conversation, chat.Messages.Skip(inWindow.Count).ToList()));
        }
        // The bootstrap is one chunk: WhatsApp sends the chat list whole.
        foreach (var chunk in Chunk(SyncType.InitialBootstrap, bootstrap, int.MaxValue)) yield return chunk;
        foreach (var chunk in Chunk(SyncType.Recent, recent, window.MessagesPerChunk)) yield return chunk;
        foreach (var chunk in Chunk(SyncType.Full, older, window.MessagesPerChunk)) yield return chunk;
        var pushNames = new HistorySync { SyncType = SyncType.PushName, ChunkOrder = 1, Progress = 100 };
        pushNames.Pushnames.AddRange(history.PushNames);
        yield return pushNames;
        var nonBlocking = new HistorySync { SyncType = SyncType.NonBlockingData, ChunkOrder = 1, Progress = 100 };
        nonBlocking.PastParticipants.AddRange(history.Chats.Where(c => c.Conversation.Participant.Count > 0)
            .Select(c => new PastParticipants { GroupJid = c.Conversation.Id }));
        yield return nonBlocking;
    }

    /// <summary>
    /// Chunks of at most <paramref name="maxMessages"/> messages (a chat with more is split across chunks, each part
    /// carrying the chat's metadata); nothing when there are no chats.
    /// </summary>
    private static IEnumerable<HistorySync> Chunk(SyncType type, List<(ProtoConversation Conversation, IReadOnlyList<WebMessageInfo> Messages)> chats, int maxMessages)
    {
        if (chats.Count == 0) yield break;
        long total = chats.Sum(c => c.Messages.Count);
        long sent = 0;
        uint order = 0;
        var current = new HistorySync { SyncType = type };
        var inCurrent = 0;
        foreach (var (conversation, messages) in chats)
        {
            var offset = 0;
            do
            {
                if (inCurrent == maxMessages)
                {
                    yield return Finish(current, ++order, sent, total);
                    current = new HistorySync { SyncType = type };
                    inCurrent = 0;
                }
                var take = Math.Min(maxMessages - inCurrent, messages.Count - offset);
                var part = conversation.Clone();
                part.Messages.AddRange(messages.Skip(offset).Take(take).Select(m => new HistorySyncMsg { Message = m, MsgOrderId = (ulong)(offset + 1) }));
                part.EndOfHistoryTransfer = offset + take == messages.Count;
                current.Conversations.Add(part);
                offset += take;
                inCurrent += take;
                sent += take;
            }
            while (offset < messages.Count);
        }
        yield return Finish(current, ++order, sent, total);
    }

    private static HistorySync Finish(HistorySync chunk, uint order, long sent, long total)
    {
        chunk.ChunkOrder = order;
        chunk.Progress = total == 0 ? 100 : (uint)(sent * 100 / total);
        return chunk;
    }
}

/// <summary>
/// What history a companion gets: messages since <see cref="OldestRecentTimestamp"/> (the recent window), and older
/// ones too when <see cref="Full"/> (it asked for full history at linking).
/// </summary>
internal sealed record HistoryWindow(ulong OldestRecentTimestamp, bool Full, int MessagesPerChunk);
