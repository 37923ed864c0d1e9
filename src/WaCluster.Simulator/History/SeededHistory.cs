using System.Globalization;
using WaCluster.Protocol.Proto;
using ProtoConversation = WaCluster.Protocol.Proto.Conversation;

namespace WaCluster.Simulator.History;

/// <summary>
/// The chats a simulated phone holds before a companion links: 1:1 chats and groups, with text messages sent and
/// received over the past year, and the push names of everyone in them. Derived from a seed and the phone number only,
/// so every run (and every companion of the same phone) sees the same history.
/// </summary>
internal sealed class SeededHistory
{
    /// <summary>How far back the seeded messages reach.</summary>
    private static readonly TimeSpan Span = TimeSpan.FromDays(365);

    private static readonly string[] Words =
    [
        "ok", "see", "you", "tomorrow", "at", "the", "station", "thanks", "lunch", "meeting", "moved", "to", "three", "call",
        "me", "when", "free", "photos", "from", "weekend", "are", "great", "running", "late", "sorry", "happy", "birthday",
        "did", "get", "tickets", "yes", "no", "maybe", "later", "dinner", "tonight", "where", "how", "about", "friday",
    ];

    private SeededHistory(IReadOnlyList<SeededChat> chats, IReadOnlyList<Pushname> pushNames)
    {
        Chats = chats;
        PushNames = pushNames;
    }

    /// <summary>Chats, most recent first; each chat's messages newest first (as history sync lists them).</summary>
    public IReadOnlyList<SeededChat> Chats { get; }

    /// <summary>Push names of every contact the chats mention.</summary>
    public IReadOnlyList<Pushname> PushNames { get; }

    /// <summary>
    /// <paramref name="messageCount"/> messages over about one chat per twenty messages (a fifth of them groups), the
    /// newest at <paramref name="now"/>.
    /// </summary>
    public static SeededHistory Generate(int seed, string phoneNumber, int messageCount, DateTimeOffset now)
    {
        var random = new Random(unchecked(seed * 1_000_003 + (int)(ulong.Parse(phoneNumber, CultureInfo.InvariantCulture) % int.MaxValue)));
        var chatCount = Math.Max(1, messageCount / 20);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var chats = new List<(ProtoConversation Conversation, List<string> Members, List<WebMessageInfo> Messages)>(chatCount);
        for (var i = 0; i < chatCount; i++)
        {
            var isGroup = i % 5 == 4;
            var members = new List<string>();
            for (var m = 0; m < (isGroup ? random.Next(3, 9) : 1); m++)
            {
                var jid = "1555" + random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture) + "@s.whatsapp.net";
                members.Add(jid);
                names.TryAdd(jid, FirstNames[random.Next(FirstNames.Length)] + " " + (char)('A' + random.Next(26)) + ".");
            }
            var id = isGroup ? "120363" + random.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture) + "@g.us" : members[0];
            var conversation = new ProtoConversation { Id = id, UnreadCount = (uint)random.Next(0, 4) };
            if (isGroup)
            {
                conversation.Name = "Group " + Words[random.Next(Words.Length)] + " " + i.ToString(CultureInfo.InvariantCulture);
                conversation.Participant.AddRange(members.Select((jid, n) => new GroupParticipant
                {
                    UserJid = jid,
                    Rank = n == 0 ? GroupParticipant.Types.Rank.Superadmin : GroupParticipant.Types.Rank.Regular,
                }));
            }
            chats.Add((conversation, members, []));
        }
        var newest = now.ToUnixTimeSeconds();
        for (var n = 0; n < messageCount; n++)
        {
            // Skewed towards the first chats, as a few chats hold most of a phone's messages.
            var r = random.NextDouble();
            var (conversation, members, messages) = chats[(int)(r * r * chatCount)];
            var fromMe = random.Next(3) == 0;
            var isGroup = conversation.Id.EndsWith("@g.us", StringComparison.Ordinal);
            var message = new WebMessageInfo
            {
                Key = new MessageKey { RemoteJid = conversation.Id, FromMe = fromMe, Id = "3EB0" + random.NextInt64().ToString("X16", CultureInfo.InvariantCulture) },
                MessageTimestamp = (ulong)(newest - random.NextInt64((long)Span.TotalSeconds)),
                Message = new Message { Conversation = Sentence(random) },
                Status = fromMe ? WebMessageInfo.Types.Status.Read : WebMessageInfo.Types.Status.DeliveryAck,
            };
            if (isGroup && !fromMe) message.Key.Participant = members[random.Next(members.Count)];
            if (!fromMe) message.PushName = names[isGroup ? message.Key.Participant : conversation.Id];
            messages.Add(message);
        }
        var seeded = chats.Select(c =>
        {
            c.Messages.Sort((a, b) => b.MessageTimestamp.CompareTo(a.MessageTimestamp));
            var last = c.Messages.Count > 0 ? c.Messages[0].MessageTimestamp : (ulong)(newest - (long)Span.TotalSeconds);
            c.Conversation.ConversationTimestamp = last;
            c.Conversation.LastMsgTimestamp = last;
            return new SeededChat(c.Conversation, c.Messages);
        }).OrderByDescending(c => c.Conversation.ConversationTimestamp).ToList();
        var pushNames = names.Select(p => new Pushname { Id = p.Key, Pushname_ = p.Value }).ToList();
        return new SeededHistory(seeded, pushNames);
    }

    private static string Sentence(Random random)
    {
        var words = new string[random.Next(1, 12)];
        for (var i = 0; i < words.Length; i++) words[i] = Words[random.Next(Words.Length)];
        return string.Join(' ', words);
    }

    private static readonly string[] FirstNames =
    [
        "Ana", "Ben", "Chloe", "David", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemal", "Lea", "Marta", "Nils",
        "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yara", "Zoe",
    ];
}

/// <summary>One chat of the seeded history: its metadata and its messages, newest first.</summary>
internal sealed record SeededChat(ProtoConversation Conversation, IReadOnlyList<WebMessageInfo> Messages);
