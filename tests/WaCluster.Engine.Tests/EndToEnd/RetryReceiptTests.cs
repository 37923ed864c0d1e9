using WaCluster.Engine.Creds;
using WaCluster.Engine.Events;
using WaCluster.Engine.Messaging;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Jids;
using WaCluster.Protocol.Noise.Certificates;
using WaCluster.Signal.Stores;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Our session with a Baileys client is lost mid-conversation: its next message does not decrypt, our retry receipt
/// (with a fresh pre-key bundle) makes Baileys start a new session and resend, and the resend decrypts.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class RetryReceiptTests : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(40);
    private SimulatorHost _host = null!;
    private NodeHarness _node = null!;

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync(new SimulatorOptions { Seed = 19 });
        _node = await NodeHarness.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.CallAsync("sim.stopAll", timeout: Slow);
        await _node.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_message_that_does_not_decrypt_is_resent_by_Baileys_after_our_retry_receipt()
    {
        var options = new EngineOptions
        {
            ServerUri = _host.ChatUri,
            CertificateVerifier = new CertificateChainVerifier(_host.Simulator.RootPublicKey),
            InitialPreKeyCount = 30,
        };
        var creds = AuthCreds.CreateNew();
        var store = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        var persister = new RecordingPersister();
        var ours = new AccountEngine(creds, store, persister, options);
        using var stop = new CancellationTokenSource();
        var run = ours.RunAsync(stop.Token);
        var qr = (await ours.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var ourAccount = await _host.Simulator.ScanAsync(qr, "15550012001").WaitAsync(Slow);
        await ours.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        var start = await _node.CallAsync<StartResult>("sim.start", new
        {
            id = "bob", url = _host.ChatUri.ToString(), rootKey = Convert.ToBase64String(_host.Simulator.RootPublicKey), name = "bob",
        }, Slow);
        await _host.Simulator.ScanAsync(start.Qr).WaitAsync(Slow);
        await _node.CallAsync("sim.waitOpen", new { id = "bob", opens = 1 }, Slow);

        var first = await _node.CallAsync<string[]>("sim.send", new { id = "bob", to = ourAccount.Jid, texts = new[] { "before" } }, Slow);
        var before = (await ours.Events.NextAsync<MessagesUpsert>(seconds: 30)).Messages.Single();
        Assert.Equal(first[0], before.Key.Id);

        // Our side loses the session: Bob's next message (a plain msg on his still valid session) cannot decrypt here.
        await store.DeleteSessionAsync(SignalAddresses.Of(before.Sender));
        var lost = await _node.CallAsync<string[]>("sim.send", new { id = "bob", to = ourAccount.Jid, texts = new[] { "after the loss" } }, Slow);

        var failure = await ours.Events.NextAsync<EngineError>(seconds: 30);
        Assert.Contains(lost[0], failure.Context, StringComparison.Ordinal);
        var resent = (await ours.Events.NextAsync<MessagesUpsert>(seconds: 30)).Messages.Single();
        Assert.Equal((lost[0], "after the loss"), (resent.Key.Id, resent.Text));
        // The pre-key offered in the retry receipt was persisted before the receipt left.
        Assert.Contains(persister.Changes, c => c.Cause == "retry pre-key" && c.Keys is { IsEmpty: false });

        await stop.CancelAsync();
        await run.WaitAsync(Slow);
    }

    [Fact]
    public async Task Our_retry_receipt_is_answered_by_our_other_engine_from_its_recent_sent_messages()
    {
        var (alice, aliceAccount, _, stopAlice) = await PairEngineAsync("15550012101");
        var (bob, bobAccount, bobStore, stopBob) = await PairEngineAsync("15550012102");

        await alice.SendTextAsync(Jid.Parse(bobAccount.Jid), "one");
        var one = (await bob.Events.NextAsync<MessagesUpsert>(seconds: 30)).Messages.Single();
        Assert.Equal("one", one.Text);
        await bobStore.DeleteSessionAsync(SignalAddresses.Of(one.Sender));

        var two = await alice.SendTextAsync(Jid.Parse(bobAccount.Jid), "two");
        Assert.Contains(two, (await bob.Events.NextAsync<EngineError>(seconds: 30)).Context, StringComparison.Ordinal);
        var resent = (await bob.Events.NextAsync<MessagesUpsert>(seconds: 30)).Messages.Single();
        Assert.Equal((two, "two", aliceAccount.Jid), (resent.Key.Id, resent.Text, resent.Key.RemoteJid.ToString()));

        await stopAlice();
        await stopBob();
    }

    private async Task<(AccountEngine Engine, AccountInfo Account, InMemorySignalProtocolStore Store, Func<Task> Stop)> PairEngineAsync(string phone)
    {
        var options = new EngineOptions
        {
            ServerUri = _host.ChatUri,
            CertificateVerifier = new CertificateChainVerifier(_host.Simulator.RootPublicKey),
            InitialPreKeyCount = 30,
        };
        var creds = AuthCreds.CreateNew();
        var store = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        var engine = new AccountEngine(creds, store, new RecordingPersister(), options);
        var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var qr = (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var account = await _host.Simulator.ScanAsync(qr, phone).WaitAsync(Slow);
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        return (engine, account, store, async () =>
        {
            await stop.CancelAsync();
            await run.WaitAsync(Slow);
            stop.Dispose();
        });
    }

    private sealed record StartResult(string Qr);
}
