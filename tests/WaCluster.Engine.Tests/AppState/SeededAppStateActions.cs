using Google.Protobuf;
using WaCluster.Protocol.Proto;

namespace WaCluster.Engine.Tests.AppState;

/// <summary>One app state change as a client sends it: the collection, the JSON index parts and the action value.</summary>
public sealed record SeededAction(string Kind, string Collection, string[] Index, SyncActionValue Value, int ApiVersion);

/// <summary>Seeded actions of every kind issue 14 names, with the index layouts and collections WhatsApp uses for them.</summary>
public static class SeededAppStateActions
{
    public static readonly string[] Kinds =
    [
        "archive", "mute", "pin", "markChatAsRead", "star", "deleteChat", "clearChat", "deleteMessageForMe",
        "contact", "pushNameSetting", "labelEdit", "labelAssociation", "locale",
    ];

    public static SeededAction Next(Random random, string kind)
    {
        var chat = random.Next(3) == 0 ? $"1203630{random.Next(100000, 999999)}@g.us" : $"{random.NextInt64(10_000_000_000, 99_999_999_999)}@s.whatsapp.net";
        var messageId = $"3EB0{random.NextInt64(0, long.MaxValue):X16}";
        var fromMe = random.Next(2) == 0 ? "1" : "0";
        var timestamp = random.NextInt64(1_600_000_000, 1_900_000_000);
        var value = new SyncActionValue { Timestamp = timestamp * 1000 };
        string collection;
        string[] index;
        switch (kind)
        {
            case "archive":
                (collection, index) = ("regular_low", ["archive", chat]);
                value.ArchiveChatAction = new SyncActionValue.Types.ArchiveChatAction { Archived = random.Next(2) == 0, MessageRange = Range(random, chat, timestamp) };
                break;
            case "mute":
                (collection, index) = ("regular_high", ["mute", chat]);
                value.MuteAction = random.Next(2) == 0
                    ? new SyncActionValue.Types.MuteAction { Muted = true, MuteEndTimestamp = timestamp + random.Next(1, 1_000_000) }
                    : new SyncActionValue.Types.MuteAction { Muted = false };
                break;
            case "pin":
                (collection, index) = ("regular_low", ["pin_v1", chat]);
                value.PinAction = new SyncActionValue.Types.PinAction { Pinned = random.Next(2) == 0 };
                break;
            case "markChatAsRead":
                (collection, index) = ("regular_low", ["markChatAsRead", chat]);
                value.MarkChatAsReadAction = new SyncActionValue.Types.MarkChatAsReadAction { Read = random.Next(2) == 0, MessageRange = Range(random, chat, timestamp) };
                break;
            case "star":
                (collection, index) = ("regular_high", ["star", chat, messageId, fromMe, "0"]);
                value.StarAction = new SyncActionValue.Types.StarAction { Starred = random.Next(2) == 0 };
                break;
            case "deleteChat":
                (collection, index) = ("regular_high", ["deleteChat", chat, "1"]);
                value.DeleteChatAction = new SyncActionValue.Types.DeleteChatAction { MessageRange = Range(random, chat, timestamp) };
                break;
            case "clearChat":
                (collection, index) = ("regular_high", ["clearChat", chat, "1", "0"]);
                value.ClearChatAction = new SyncActionValue.Types.ClearChatAction { MessageRange = Range(random, chat, timestamp) };
                break;
            case "deleteMessageForMe":
                (collection, index) = ("regular_high", ["deleteMessageForMe", chat, messageId, fromMe, "0"]);
                value.DeleteMessageForMeAction = new SyncActionValue.Types.DeleteMessageForMeAction { DeleteMedia = random.Next(2) == 0, MessageTimestamp = timestamp };
                break;
            case "contact":
                var name = Word(random, 3, 12);
                (collection, index) = ("critical_unblock_low", ["contact", chat]);
                value.ContactAction = new SyncActionValue.Types.ContactAction { FullName = $"{name} {Word(random, 3, 10)}", FirstName = name, SaveOnPrimaryAddressbook = true };
                break;
            case "pushNameSetting":
                (collection, index) = ("critical_block", ["setting_pushName"]);
                value.PushNameSetting = new SyncActionValue.Types.PushNameSetting { Name = Word(random, 1, 25) };
                break;
            case "labelEdit":
                (collection, index) = ("regular", ["label_edit", random.Next(1, 40).ToString()]);
                value.LabelEditAction = new SyncActionValue.Types.LabelEditAction
                {
                    Name = Word(random, 1, 20), Color = random.Next(0, 20), PredefinedId = random.Next(0, 6), Deleted = random.Next(5) == 0,
                };
                break;
            case "labelAssociation":
                (collection, index) = ("regular", ["label_jid", random.Next(1, 40).ToString(), chat]);
                value.LabelAssociationAction = new SyncActionValue.Types.LabelAssociationAction { Labeled = random.Next(2) == 0 };
                break;
            case "locale":
                (collection, index) = ("critical_block", ["setting_locale"]);
                value.LocaleSetting = new SyncActionValue.Types.LocaleSetting { Locale = random.Next(2) == 0 ? "en_US" : "pt_BR" };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an app state action kind");
        }
        return new SeededAction(kind, collection, index, value, random.Next(2, 8));
    }

    private static SyncActionValue.Types.SyncActionMessageRange Range(Random random, string chat, long timestamp)
    {
        var range = new SyncActionValue.Types.SyncActionMessageRange { LastMessageTimestamp = timestamp };
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            range.Messages.Add(new SyncActionValue.Types.SyncActionMessage
            {
                Key = new MessageKey { RemoteJid = chat, FromMe = random.Next(2) == 0, Id = $"3EB0{random.NextInt64(0, long.MaxValue):X16}" },
                Timestamp = timestamp - random.Next(0, 100_000),
            });
        }
        return range;
    }

    private static string Word(Random random, int shortest, int longest)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-";
        return new string(Enumerable.Range(0, random.Next(shortest, longest + 1)).Select(_ => letters[random.Next(letters.Length)]).ToArray());
    }

    /// <summary>The plaintext a client MACs and encrypts for this action, as Baileys builds it: empty padding.</summary>
    public static SyncActionData DataOf(SeededAction action, byte[] index) =>
        new() { Index = ByteString.CopyFrom(index), Value = action.Value, Padding = ByteString.Empty, Version = action.ApiVersion };
}
