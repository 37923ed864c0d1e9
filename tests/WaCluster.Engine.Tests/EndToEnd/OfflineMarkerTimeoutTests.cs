using WaCluster.Core.Events;
using WaCluster.Engine.Tests.Support;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// The server replays ours' offline backlog from a Baileys client but never sends the offline marker: the held burst
/// is still announced, as one messages.upsert, once the burst timeout passes, and later messages pass straight through.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class OfflineMarkerTimeoutTests() : SimulatorConversationTest(seed: 37)
{
    [Fact]
    public async Task A_missing_offline_marker_delays_the_burst_only_until_the_timeout()
    {
        var options = OptionsForSimulator() with { OfflineBurstTimeout = TimeSpan.FromSeconds(3) };
        var journal = new JournalPersister();
        var paired = await PairEngineAsync("15550017001", journal, options);
        var ourDevice = paired.Engine.Creds.Me!.Id;
        await StartBaileysAsync("bob");
        await paired.StopAsync();

        var sent = await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = paired.Account.Jid, texts = new[] { "one", "two", "three" } }, Slow);
        Host.Simulator.SetFaults(ourDevice, withholdOfflineMarker: true);
        var (creds, keys) = await journal.ReplayAsync();
        var ours = new AccountEngine(creds, keys, journal, options, receivedMessageKeys: journal.ReceivedKeys);
        using var stop = new CancellationTokenSource();
        var run = ours.RunAsync(stop.Token);
        await ours.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        var opened = DateTimeOffset.UtcNow;

        var burst = await NextUpsertAsync(ours);
        Assert.True(DateTimeOffset.UtcNow - opened >= TimeSpan.FromSeconds(2), "the burst was announced before the timeout");
        Assert.Equal(sent, burst.Messages.Select(m => m.Key.Id));
        // Everything was journaled (and acked) on arrival, before the announcement.
        Assert.Equal(sent, journal.Received.Select(m => m.Key.Id));

        var live = await Node.CallAsync<string[]>("sim.send", new { id = "bob", to = paired.Account.Jid, texts = new[] { "live" } }, Slow);
        Assert.Equal(live, (await NextUpsertAsync(ours)).Messages.Select(m => m.Key.Id));
        await stop.CancelAsync();
        await run.WaitAsync(Slow);
    }

    private static async Task<MessagesUpsert> NextUpsertAsync(AccountEngine engine)
    {
        var next = await engine.Events.NextAsync<EngineEvent>(e => e is MessagesUpsert or EngineError || e is ConnectionUpdate { ReceivedPendingNotifications: true },
            seconds: 30);
        return next switch
        {
            MessagesUpsert upsert => upsert,
            EngineError error => throw new Xunit.Sdk.XunitException($"engine error in {error.Context}: {error.Error}"),
            _ => throw new Xunit.Sdk.XunitException("the offline marker came although the server withheld it"),
        };
    }
}
