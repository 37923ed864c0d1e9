using System.Text.Json.Nodes;
using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Store;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.TestSupport;
using ProtocolType = WaCluster.Protocol.Proto.Message.Types.ProtocolMessage.Types.Type;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Wrapped messages (disappearing chats, view-once, document with caption, edits), disappearing timers both ways and
/// statuses both ways between our engine and an unmodified Baileys client, and wrappers too deep or empty.
/// </summary>
[Trait("Proof", "engine-lid")]
public sealed class BaileysWrappersAndStatusTests() : SimulatorConversationTest(seed: 31)
{
    [Fact]
    public async Task Wrapped_texts_arrive_with_their_text_expiration_and_view_once_flag_and_bad_wrappers_are_typed_errors()
    {
        var persister = new RecordingPersister();
        var paired = await PairEngineAsync("15550031001", persister);
        var (ours, ourJid) = (paired.Engine, paired.Account.Jid);
        await StartBaileysAsync("bob");

        var ephemeral = await RelayAsync(ourJid, new { ephemeralMessage = Wrap(new { extendedTextMessage = new { text = "disappearing", contextInfo = new { expiration = 86400 } } }) });
        var viewOnce = await RelayAsync(ourJid, new { viewOnceMessage = Wrap(new { extendedTextMessage = new { text = "view once v1" } }) });
        var viewOnceV2 = await RelayAsync(ourJid, new { viewOnceMessageV2 = Wrap(new { extendedTextMessage = new { text = "view once v2" } }) });
        var viewOnceExtension = await RelayAsync(ourJid, new { viewOnceMessageV2Extension = Wrap(new { extendedTextMessage = new { text = "view once v2 extension" } }) });
        var document = await RelayAsync(ourJid, new
        {
            documentWithCaptionMessage = Wrap(new { documentMessage = new { caption = "document caption", fileName = "a.pdf", mimetype = "application/pdf" } }),
        });
        var nested = await RelayAsync(ourJid, new
        {
            ephemeralMessage = Wrap(new { viewOnceMessageV2 = Wrap(new { extendedTextMessage = new { text = "nested", contextInfo = new { expiration = 604800 } } }) }),
        });
        var received = new List<ReceivedMessage>();
        while (received.Count < 6) received.AddRange((await NextAsync<MessagesUpsert>(ours)).Messages);
        Assert.Equal(
            [(ephemeral, "disappearing", 86400u, false), (viewOnce, "view once v1", null, true), (viewOnceV2, "view once v2", null, true),
                (viewOnceExtension, "view once v2 extension", null, true), (document, null, null, false), (nested, "nested", 604800u, true)],
            received.Select(m => (m.Key.Id, m.Text, m.Expiration, m.ViewOnce)));
        Assert.Equal("document caption", received[4].Message.DocumentMessage.Caption);

        // An edit inside editedMessage updates the message it names.
        var edit = await RelayAsync(ourJid, new
        {
            editedMessage = Wrap(new
            {
                protocolMessage = new { key = new { remoteJid = ourJid, fromMe = true, id = ephemeral }, type = 14, editedMessage = new { conversation = "edited text" } },
            }),
        });
        var update = Assert.Single((await NextAsync<MessagesUpdate>(ours, u => u.Updates.Any(x => x.EditedMessage is not null))).Updates);
        Assert.Equal((ephemeral, "edited text"), (update.Key.Id, update.EditedMessage!.Conversation));

        // Six levels of wrappers, and a wrapper with nothing inside: typed errors, acked, nothing persisted; the text after them arrives.
        object deep = new { conversation = "too deep" };
        for (var level = 0; level < 6; level++) deep = new { ephemeralMessage = Wrap(deep) };
        var tooDeep = await RelayAsync(ourJid, deep);
        var tooDeepError = await ours.Events.NextAsync<EngineError>(e => e.Context.Contains(tooDeep, StringComparison.Ordinal), seconds: 40);
        Assert.IsType<EngineException>(tooDeepError.Error);
        Assert.Contains("deeper than 5", tooDeepError.Error.Message, StringComparison.Ordinal);
        var empty = await RelayAsync(ourJid, new { viewOnceMessageV2 = new { } });
        var emptyError = await ours.Events.NextAsync<EngineError>(e => e.Context.Contains(empty, StringComparison.Ordinal), seconds: 40);
        Assert.Contains("wraps nothing", emptyError.Error.Message, StringComparison.Ordinal);
        var after = (await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = ourJid, texts = new[] { "after the bad ones" } }, Slow))[0];
        Assert.Equal((after, "after the bad ones"), ((await NextAsync<MessagesUpsert>(ours)).Messages.Single() is var next ? (next.Key.Id, next.Text) : default));
        Assert.DoesNotContain(persister.Changes, c => c.ReceivedMessages?.Any(m => m.Key.Id == tooDeep || m.Key.Id == empty) == true);
        await Eventually.UntilAsync(() => Host.Simulator.PendingCounts().GetValueOrDefault(paired.Account.DeviceJid!) == 0, Slow,
            "every stanza delivered to ours, the bad ones included, acked");

        await paired.StopAsync();
    }

    [Fact]
    public async Task Disappearing_timers_set_by_either_side_are_seen_by_the_other_and_carried_by_our_texts()
    {
        var persister = new RecordingPersister();
        var paired = await PairEngineAsync("15550031002", persister);
        var (ours, ourJid) = (paired.Engine, paired.Account.Jid);
        var bob = await StartBaileysAsync("carol");
        var bobJid = Jid.Parse(bob.Jid);
        await Node.CallAsync("wrap.watchChats", new { id = "carol" }, Slow);

        // Baileys switches the chat to a week: ours learns it, and its next text carries it.
        await Node.CallAsync<string>("wrap.setDisappearing", new { id = "carol", to = ourJid, seconds = 604800 }, Slow);
        var setting = (await NextAsync<MessagesUpsert>(ours)).Messages.Single();
        Assert.Equal((ProtocolType.EphemeralSetting, 604800u), (setting.Message.ProtocolMessage.Type, setting.Message.ProtocolMessage.EphemeralExpiration));
        Assert.Equal(604800u, ours.DisappearingTimerOf(bobJid));
        var text = await ours.SendTextAsync(bobJid, "in a disappearing chat");
        var atBob = await Node.CallAsync("wrap.received", new { id = "carol", messageId = text }, Slow);
        Assert.Equal("in a disappearing chat", (string?)atBob!["message"]!["extendedTextMessage"]!["text"]);
        Assert.Equal(604800, (int?)atBob["message"]!["extendedTextMessage"]!["contextInfo"]!["expiration"]);

        // Ours sets a day: Baileys' chat takes the timer.
        await ours.SetDisappearingTimerAsync(bobJid, 86400);
        await Node.CallAsync("wrap.waitChatTimer", new { id = "carol", jid = ourJid, seconds = 86400 }, Slow);
        Assert.Equal(86400u, ours.DisappearingTimerOf(bobJid));

        // A text Baileys sends under a timer teaches ours the timer too (here: off, then an hour).
        await ours.SetDisappearingTimerAsync(bobJid, 0);
        await Node.CallAsync("wrap.waitChatTimer", new { id = "carol", jid = ourJid, seconds = (int?)null }, Slow);
        Assert.Equal(0u, ours.DisappearingTimerOf(bobJid));
        await Node.CallAsync<string>("wrap.sendText", new { id = "carol", to = ourJid, text = "an hour", ephemeralExpiration = 3600 }, Slow);
        Assert.Equal(3600u, (await NextAsync<MessagesUpsert>(ours)).Messages.Single().Expiration);
        Assert.Equal(3600u, ours.DisappearingTimerOf(bobJid));
        // The timer is persisted with the message that taught it: the account data rebuilt from the journal has it.
        Assert.Equal(3600u, new DisappearingTimers(AccountData.From(persister.Changes.Select(c => c.Data).OfType<AccountDataChange>())).Of(bobJid));

        await paired.StopAsync();
    }

    [Fact]
    public async Task Statuses_flow_both_ways_under_the_authors_address_without_a_status_session()
    {
        var persister = new RecordingPersister();
        var paired = await PairEngineAsync("15550031003", persister);
        var (ours, ourJid) = (paired.Engine, paired.Account.Jid);
        var dave = await StartBaileysAsync("dave");

        // Baileys' status reaches ours as a status, not a chat message: the text after it is the next message.
        var status = await Node.CallAsync<string>("sim.lid.sendStatus", new { id = "dave", text = "my status", statusJidList = new[] { ourJid } }, Slow);
        var seen = (await NextAsync<StatusReceived>(ours)).Status;
        Assert.Equal((status, "my status", true), (seen.Key.Id, seen.Text, seen.Key.RemoteJid.IsStatusBroadcast));
        Assert.True(seen.Sender.IsSameUser(Jid.Parse(dave.Jid)) || seen.Sender.IsSameUser(Jid.Parse(dave.Lid)), $"status author {seen.Sender}");
        var after = (await Node.CallAsync<string[]>("sim.send", new { id = "dave", to = ourJid, texts = new[] { "a chat text" } }, Slow))[0];
        Assert.Equal(after, (await NextAsync<MessagesUpsert>(ours)).Messages.Single().Key.Id);
        Assert.DoesNotContain(paired.Store.Sessions.Keys, address => address.Name.StartsWith("status", StringComparison.Ordinal));
        Assert.DoesNotContain(persister.Changes, c => c.Keys?.Sessions.Keys.Any(address => address.Name.StartsWith("status", StringComparison.Ordinal)) == true);

        // Ours posts a status for Baileys: its messages.upsert has it from status@broadcast.
        var ourStatus = await ours.SendTextStatusAsync("our status", [Jid.Parse(dave.Jid)]);
        var atDave = await Node.CallAsync("wrap.received", new { id = "dave", messageId = ourStatus }, Slow);
        Assert.Equal(("status@broadcast", "our status"), ((string?)atDave!["from"], (string?)atDave["message"]!["extendedTextMessage"]!["text"]));

        await paired.StopAsync();
    }

    private static object Wrap(object message) => new { message };

    private Task<string> RelayAsync(string to, object message) =>
        Node.CallAsync<string>("wrap.relay", new { id = "bob", to, message }, Slow);

    private static async Task<T> NextAsync<T>(AccountEngine engine, Func<T, bool>? match = null)
        where T : EngineEvent
    {
        while (true)
        {
            var next = await engine.Events.NextAsync<EngineEvent>(e => e is T or EngineError, seconds: 40);
            if (next is EngineError error) throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}");
            if (next is T typed && (match is null || match(typed))) return typed;
        }
    }
}
