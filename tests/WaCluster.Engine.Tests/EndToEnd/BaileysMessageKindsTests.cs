using WaCluster.Core.Events;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Replies, reactions, edits and revokes between our engine and an unmodified Baileys client, both ways, with
/// delivery and read receipts both ways surfacing as status updates.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class BaileysMessageKindsTests() : SimulatorConversationTest(seed: 17)
{
    [Fact]
    public async Task Reply_reaction_edit_and_revoke_flow_both_ways_with_receipts()
    {
        var paired = await PairEngineAsync("15550011001", new RecordingPersister());
        var (ours, ourAccount) = (paired.Engine, paired.Account);
        var bob = await StartBaileysAsync("bob");
        var bobJid = Jid.Parse(bob.Jid);

        // Ours sends; Baileys' delivery receipt, then its read receipt, come back as status updates.
        var original = await ours.SendTextAsync(bobJid, "original");
        await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 1 }, Slow);
        await NextStatusAsync(ours, original, ReceiptStatus.Delivered);
        await Node.CallAsync("sim.read", new { id = "bob", messageIds = new[] { original } }, Slow);
        await NextStatusAsync(ours, original, ReceiptStatus.Read);

        // Baileys writes; ours replies to it, reacts to it, edits and revokes its own message.
        var fromBob = (await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = ourAccount.Jid, texts = new[] { "from bob" } }, Slow))[0];
        var bobsMessage = (await NextAsync<MessagesUpsert>(ours)).Messages.Single();
        Assert.Equal((fromBob, "from bob"), (bobsMessage.Key.Id, bobsMessage.Text));
        var reply = await ours.SendReplyAsync(bobJid, "reply to bob", bobsMessage);
        await ours.SendReactionAsync(bobJid, bobsMessage.Key, "👍");
        var ownKey = new WaMessageKey(bobJid, true, original);
        await ours.EditMessageAsync(bobJid, ownKey, "edited");
        await ours.RevokeMessageAsync(bobJid, ownKey);
        var atBob = await Node.CallAsync<Received[]>("sim.waitReceived", new { id = "bob", count = 2 }, Slow);
        Assert.Equal((reply, "reply to bob", fromBob), (atBob[1].Id, atBob[1].Text, atBob[1].QuotedId));
        var changesAtBob = await Node.CallAsync<Change[]>("sim.waitChanges", new { id = "bob", count = 3 }, Slow);
        Assert.Equal([("reaction", fromBob, "👍"), ("edit", original, "edited"), ("revoke", original, null)],
            changesAtBob.Select(c => (c.Kind, c.TargetId, c.Text)));

        // Baileys replies to, reacts to, edits and revokes: ours sees the quote, the reaction and the updates.
        var bobReply = await Node.CallAsync<string>("sim.sendKind", new { id = "bob", to = ourAccount.Jid, kind = "reply", text = "bob quotes", targetId = original }, Slow);
        var quoting = (await NextAsync<MessagesUpsert>(ours)).Messages.Single();
        Assert.Equal((bobReply, "bob quotes", original), (quoting.Key.Id, quoting.Text, quoting.Message.ExtendedTextMessage.ContextInfo.StanzaId));
        await Node.CallAsync<string>("sim.sendKind", new { id = "bob", to = ourAccount.Jid, kind = "reaction", text = "❤", targetId = original }, Slow);
        var reaction = await NextAsync<MessagesReaction>(ours);
        Assert.Equal((original, true, "❤"), (reaction.Target.Id, reaction.Target.FromMe, reaction.Text));
        await Node.CallAsync<string>("sim.sendKind", new { id = "bob", to = ourAccount.Jid, kind = "edit", text = "bob edited", targetId = fromBob, fromMe = true }, Slow);
        var edit = Assert.Single((await NextAsync<MessagesUpdate>(ours, u => u.Updates.Any(x => x.EditedMessage is not null))).Updates);
        // Baileys sends an edited text as extended text.
        var editedText = edit.EditedMessage!.HasConversation ? edit.EditedMessage.Conversation : edit.EditedMessage.ExtendedTextMessage?.Text;
        Assert.Equal((fromBob, false, "bob edited"), (edit.Key.Id, edit.Key.FromMe, editedText));
        await Node.CallAsync<string>("sim.sendKind", new { id = "bob", to = ourAccount.Jid, kind = "revoke", targetId = fromBob, fromMe = true }, Slow);
        var revoke = Assert.Single((await NextAsync<MessagesUpdate>(ours, u => u.Updates.Any(x => x.Revoked))).Updates);
        Assert.Equal((fromBob, false), (revoke.Key.Id, revoke.Key.FromMe));

        // Ours reads Baileys' messages: Baileys sees them as read (status 4).
        await ours.ReadMessagesAsync([bobsMessage.Key, quoting.Key]);
        Assert.All(await Node.CallAsync<int[]>("sim.waitStatus", new { id = "bob", messageIds = new[] { fromBob, bobReply }, status = 4 }, Slow),
            s => Assert.True(s >= 4));

        await paired.StopAsync();
    }

    private static Task<MessagesUpdate> NextStatusAsync(AccountEngine engine, string id, ReceiptStatus status) =>
        NextAsync<MessagesUpdate>(engine, u => u.Updates.Any(x => x.Key.Id == id && x.Status >= status));

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

    private sealed record Received(string Id, string From, string? Participant, string Text, string? QuotedId);

    private sealed record Change(string? Id, string Kind, string? TargetId, string? Text);
}
