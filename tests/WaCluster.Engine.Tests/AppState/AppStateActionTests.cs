using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Core.Events;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport;
using Operation = WaCluster.Protocol.Proto.SyncdMutation.Types.SyncdOperation;

namespace WaCluster.Engine.Tests.AppState;

/// <summary>Mutations of every kind Baileys' chatModify and the phone write, encoded by Baileys, read here into what they mean.</summary>
[Trait("Proof", "engine-sync")]
public sealed class AppStateActionTests : IAsyncLifetime
{
    private static readonly byte[] s_keyId = [0, 0, 0, 1, 0x22, 0x33];
    private static readonly byte[] s_keyData = Enumerable.Range(0, AppStateKeys.KeyLength).Select(b => (byte)(255 - b)).ToArray();

    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Baileys_encoded_mutations_of_every_kind_read_into_their_changes()
    {
        var random = new Random(1406);
        var actions = Enumerable.Range(0, 390).Select(i => SeededAppStateActions.Next(random, SeededAppStateActions.Kinds[i % SeededAppStateActions.Kinds.Length])).ToList();
        var emptyState = new { version = 0, hash = Convert.ToBase64String(new byte[LtHash.Length]), valueMacs = new Dictionary<string, string>() };
        var theirs = await _node.CallAsync<EncodedPatch[]>("appstate.encodePatches", new
        {
            cases = actions.Select((action, i) => new
            {
                type = action.Collection, index = action.Index, action = Convert.ToBase64String(action.Value.ToByteArray()), apiVersion = action.ApiVersion,
                operation = (int)(i % 7 == 0 ? Operation.Remove : Operation.Set), keyId = Convert.ToBase64String(s_keyId), keyData = Convert.ToBase64String(s_keyData),
                state = emptyState, iv = Convert.ToBase64String(new byte[AppStateRecords.IvLength]),
            }),
        }, TimeSpan.FromMinutes(2));
        var keys = AppStateKeys.Expand(s_keyData);
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            var patch = SyncdPatch.Parser.ParseFrom(Convert.FromBase64String(theirs[i].Patch));
            patch.Version = new SyncdVersion { Version = 1 };
            var mutation = Assert.Single(AppStateCollection.Empty(action.Collection).ApplyPatch(patch, id => id.SequenceEqual(s_keyId) ? keys : null).Mutations);
            var change = AppStateActions.Read(action.Collection, mutation);
            Assert.Equal(i % 7 == 0, change.Removed);
            Assert.Equal(action.Collection, change.Collection);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(action.Value.Timestamp), change.Timestamp);
            AssertMeaning(action, change);
        }
    }

    [Fact]
    public void A_known_action_whose_index_lacks_its_chat_is_malformed()
    {
        var mutation = new DecodedMutation(Operation.Set,
            new SyncActionData { Value = new SyncActionValue { PinAction = new SyncActionValue.Types.PinAction { Pinned = true } } },
            ["pin_v1"], new byte[32], new byte[32]);
        Assert.Equal(AppStateError.MalformedAction, Assert.Throws<AppStateException>(() => AppStateActions.Read("regular_low", mutation)).Error);
        var notJid = mutation with { Index = ["pin_v1", "not a jid@@"] };
        Assert.Equal(AppStateError.MalformedAction, Assert.Throws<AppStateException>(() => AppStateActions.Read("regular_low", notJid)).Error);
    }

    private static void AssertMeaning(SeededAction action, AppStateChange change)
    {
        var value = action.Value;
        var chat = action.Index.Length > 1 ? action.Index[1] : null;
        switch (action.Kind)
        {
            case "archive":
                Assert.Equal((Jid.Parse(chat!), value.ArchiveChatAction.Archived), Cast<ChatArchived>(change) is var a ? (a.Chat, a.Archived) : default);
                break;
            case "mute":
                var muted = Cast<ChatMuted>(change);
                Assert.Equal(Jid.Parse(chat!), muted.Chat);
                Assert.Equal(value.MuteAction.Muted ? DateTimeOffset.FromUnixTimeMilliseconds(value.MuteAction.MuteEndTimestamp) : (DateTimeOffset?)null, muted.MutedUntil);
                break;
            case "pin":
                Assert.Equal((Jid.Parse(chat!), value.PinAction.Pinned), Cast<ChatPinned>(change) is var p ? (p.Chat, p.Pinned) : default);
                break;
            case "markChatAsRead":
                Assert.Equal((Jid.Parse(chat!), value.MarkChatAsReadAction.Read), Cast<ChatMarkedRead>(change) is var r ? (r.Chat, r.Read) : default);
                break;
            case "star":
                var starred = Cast<MessageStarred>(change);
                Assert.Equal(new AppStateMessageRef(Jid.Parse(chat!), action.Index[2], action.Index[3] == "1", null), starred.Message);
                Assert.Equal(value.StarAction.Starred, starred.Starred);
                break;
            case "deleteChat":
                Assert.Equal(Jid.Parse(chat!), Cast<ChatDeleted>(change).Chat);
                break;
            case "clearChat":
                Assert.Equal(Jid.Parse(chat!), Cast<ChatCleared>(change).Chat);
                break;
            case "deleteMessageForMe":
                Assert.Equal(new AppStateMessageRef(Jid.Parse(chat!), action.Index[2], action.Index[3] == "1", null), Cast<MessageDeletedForMe>(change).Message);
                break;
            case "contact":
                var contact = Cast<ContactNamed>(change);
                Assert.Equal((Jid.Parse(chat!), value.ContactAction.FullName, value.ContactAction.FirstName, (Jid?)null),
                    (contact.Contact, contact.FullName, contact.FirstName, contact.Lid));
                break;
            case "pushNameSetting":
                Assert.Equal(value.PushNameSetting.Name, Cast<PushNameSet>(change).Name);
                break;
            case "labelEdit":
                var label = Cast<LabelEdited>(change);
                Assert.Equal((action.Index[1], value.LabelEditAction.Name, value.LabelEditAction.Color, value.LabelEditAction.Deleted),
                    (label.LabelId, label.Name, label.Color, label.Deleted));
                break;
            case "labelAssociation":
                var association = Cast<LabelAssociated>(change);
                Assert.Equal((action.Index[1], Jid.Parse(action.Index[2]), (string?)null, value.LabelAssociationAction.Labeled),
                    (association.LabelId, association.Chat, association.MessageId, association.Labeled));
                break;
            case "locale":
                Assert.Equal(value.LocaleSetting.Locale, Cast<LocaleSet>(change).Locale);
                break;
            default:
                Assert.Fail($"no expectation for {action.Kind}");
                break;
        }
    }

    private static T Cast<T>(AppStateChange change) where T : AppStateChange => Assert.IsType<T>(change);

    private sealed record EncodedPatch(string Patch);
}
