using WaCluster.Signal.Keys;
using WaCluster.Core.Iq;
using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Events;
using WaCluster.Core.Keys;
using WaCluster.Engine.Connection;
using WaCluster.Engine.Tests.Support;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Stores;
using WaCluster.Simulator;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.EndToEnd;

/// <summary>
/// Our engine over a real WebSocket against the simulator (which Baileys itself pairs with): QR pairing, the 515
/// restart, login, the initial pre-key upload, and a later login from the persisted credentials alone.
/// </summary>
[Trait("Proof", "engine-baileys")]
public sealed class SimulatorPairingTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;

    public async Task InitializeAsync() => _host = await SimulatorHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Pairs_by_qr_restarts_logs_in_uploads_pre_keys_then_logs_in_again_from_persisted_creds()
    {
        var options = _host.EngineOptions();
        var creds = AuthCreds.CreateNew();
        var store = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        var persister = new RecordingPersister();
        var engine = new AccountEngine(creds, store, persister, options);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);

        var qr = (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        Assert.StartsWith(PairingQrPrefix, qr);
        var account = await _host.Simulator.ScanAsync(qr, "15550004242").WaitAsync(TimeSpan.FromSeconds(30));

        var restart = await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Close, seconds: 30);
        Assert.Equal(DisconnectReason.RestartRequired, restart.LastDisconnect!.Reason);
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);

        Assert.Equal(account.DeviceJid, engine.Creds.Me!.Id);
        Assert.Equal(account.DeviceLid, engine.Creds.Me.Lid);
        Assert.Equal(1, _host.Simulator.Counters.Pairings);
        Assert.True(_host.Simulator.Counters.Logins >= 1);

        // The server holds all 812 of the keys we generated, persisted and stored.
        var count = await engine.QueryAsync(new PreKeyCountSpec());
        Assert.Equal(812, count);
        Assert.Equal(812, store.PreKeys.Count);
        Assert.Equal(813u, engine.Creds.NextPreKeyId);

        // A bundle fetch for our own device hands out one of our one-time keys and our signed pre-key.
        var device = Jid.Parse(account.DeviceJid!);
        var bundle = (await engine.QueryAsync(new KeyBundleFetchSpec([device])))[device];
        Assert.Equal(IdentityKey.FromBytes(creds.SignedIdentityKey.PublicKey), bundle.IdentityKey);
        Assert.Equal(creds.SignedPreKey.KeyPair.PublicKey, bundle.SignedPreKeyPublic);
        Assert.NotNull(bundle.PreKeyId);
        Assert.Equal(store.PreKeys[bundle.PreKeyId.Value].KeyPair.PublicKey, bundle.PreKeyPublic);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        // A new engine built only from what was persisted logs in without pairing or uploading again.
        var persisted = AuthCreds.Parse(persister.Changes.Last(c => c.Creds is not null).Creds!.ToByteArray());
        var restored = new InMemorySignalProtocolStore(persisted.IdentityKeyPair, persisted.RegistrationId);
        foreach (var change in persister.Changes.Where(c => c.Keys is not null)) await change.Keys!.ApplyAsync(restored);
        var secondPersister = new RecordingPersister();
        var again = new AccountEngine(persisted, restored, secondPersister, options);
        using var stopAgain = new CancellationTokenSource();
        var runAgain = again.RunAsync(stopAgain.Token);
        var opened = await again.Events.NextAsync<EngineEvent>(e => e is ConnectionUpdate { Connection: ConnectionState.Open } or ConnectionUpdate { Qr: not null }, seconds: 30);
        Assert.Equal(ConnectionState.Open, ((ConnectionUpdate)opened).Connection);
        Assert.DoesNotContain(secondPersister.Changes, c => c.Keys is not null);
        Assert.Equal(1, _host.Simulator.Counters.Pairings);
        await stopAgain.CancelAsync();
        await runAgain.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Refills_pre_keys_when_the_server_reports_them_low()
    {
        var options = _host.EngineOptions() with
        {
            InitialPreKeyCount = 8,
        };
        var creds = AuthCreds.CreateNew();
        var store = new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId);
        var persister = new RecordingPersister();
        var engine = new AccountEngine(creds, store, persister, options);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var qr = (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var account = await _host.Simulator.ScanAsync(qr).WaitAsync(TimeSpan.FromSeconds(30));
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        Assert.Equal(8, await engine.QueryAsync(new PreKeyCountSpec()));

        // Others fetching our bundle use up keys; below the server's threshold it notifies us and we top up by 5.
        for (var i = 0; i < 4; i++)
        {
            await engine.QueryAsync(new KeyBundleFetchSpec([Jid.Parse(account.DeviceJid!)]));
        }
        await persister.NextAsync(c => c.Creds?.NextPreKeyId == 14, seconds: 30);
        // The notification is acked once the upload is answered: wait for both.
        var count = 0;
        await Eventually.UntilAsync(async () => (count = await engine.QueryAsync(new PreKeyCountSpec())) == 9
            && _host.Simulator.PendingCounts()[account.DeviceJid!] == 0, TimeSpan.FromSeconds(30), () => $"9 pre-keys on the server (has {count}) and the notification acked");
        Assert.Equal(9, count);
        Assert.Equal(0, _host.Simulator.PendingCounts()[account.DeviceJid!]);
        // The new keys are stored before they are uploaded, and the server's count shows the upload done.
        Assert.Equal(13, store.PreKeys.Count);
        Assert.Equal(2, persister.Changes.Count(c => c.Cause == "pre-keys generated"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Pairs_by_pairing_code_then_logs_in()
    {
        var options = _host.EngineOptions() with
        {
            InitialPreKeyCount = 20,
        };
        var creds = AuthCreds.CreateNew();
        var persister = new RecordingPersister();
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), persister, options);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30);

        var code = await engine.RequestPairingCodeAsync("15550007777");
        var account = await _host.Simulator.EnterPairingCodeAsync("15550007777", code).WaitAsync(TimeSpan.FromSeconds(30));
        var restart = await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Close, seconds: 30);
        Assert.Equal(DisconnectReason.RestartRequired, restart.LastDisconnect!.Reason);
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);

        Assert.Equal(account.DeviceJid, engine.Creds.Me!.Id);
        Assert.StartsWith("15550007777:", engine.Creds.Me.Id, StringComparison.Ordinal);
        // The code-derived adv secret replaced the QR one, and was persisted before the finish went out.
        Assert.NotEqual(creds.AdvSecretKey, engine.Creds.AdvSecretKey);
        Assert.True(engine.Creds.Registered);
        Assert.Contains(persister.Changes, c => c.Cause == "pairing code secret" && c.Creds!.AdvSecretKey.SequenceEqual(engine.Creds.AdvSecretKey));
        Assert.Equal(20, await engine.QueryAsync(new PreKeyCountSpec()));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Reconnects_with_backoff_after_a_dropped_connection_and_stops_when_logged_out()
    {
        var options = _host.EngineOptions() with
        {
            InitialPreKeyCount = 10,
        };
        var creds = AuthCreds.CreateNew();
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(),
            options, backoff: new ReconnectBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)));
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var qr = (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var account = await _host.Simulator.ScanAsync(qr).WaitAsync(TimeSpan.FromSeconds(30));
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        var loginsBefore = _host.Simulator.Counters.Logins;

        for (var drop = 0; drop < 3; drop++)
        {
            Assert.True(_host.Simulator.DropConnection(account.DeviceJid!));
            var closed = await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Close, seconds: 30);
            Assert.True(closed.LastDisconnect!.ShouldReconnect);
            await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        }
        Assert.Equal(loginsBefore + 3, _host.Simulator.Counters.Logins);
        Assert.Equal(1, _host.Simulator.Counters.Pairings);

        // Logging out from the account ends the run for good instead of reconnecting.
        await engine.LogoutAsync();
        var final = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DisconnectReason.LoggedOut, final.Reason);
        // The simulator unlinked the device: logging in with the same creds is refused.
        var again = new AccountEngine(engine.Creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(), options);
        var refused = await again.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DisconnectReason.LoggedOut, refused.Reason);
    }

    [Fact]
    public async Task Usync_lists_devices_and_lids_and_answers_on_whatsapp()
    {
        var options = _host.EngineOptions() with
        {
            InitialPreKeyCount = 10,
        };
        var creds = AuthCreds.CreateNew();
        var engine = new AccountEngine(creds, new InMemorySignalProtocolStore(creds.IdentityKeyPair, creds.RegistrationId), new RecordingPersister(), options);
        using var stop = new CancellationTokenSource();
        var run = engine.RunAsync(stop.Token);
        var qr = (await engine.Events.NextAsync<ConnectionUpdate>(u => u.Qr is not null, seconds: 30)).Qr!;
        var account = await _host.Simulator.ScanAsync(qr, "15550003131").WaitAsync(TimeSpan.FromSeconds(30));
        await engine.Events.NextAsync<ConnectionUpdate>(u => u.Connection == ConnectionState.Open, seconds: 30);
        var other = _host.Simulator.CreateUser("15550009999");

        var exists = await engine.OnWhatsAppAsync(["15550009999", "+15550003131", "15550000001"]);
        Assert.Equal([("15550009999@s.whatsapp.net", true), ("15550003131@s.whatsapp.net", true), ("15550000001@s.whatsapp.net", false)],
            exists.Select(e => (e.Jid.ToString(), e.Exists)));

        var ourDevice = Jid.Parse(account.DeviceJid!);
        var devices = await engine.GetDevicesAsync([ourDevice, Jid.Parse(other.Jid)]);
        Assert.Equal(2, devices.Count);
        Assert.Equal(account.Jid, devices[0].User.ToString());
        Assert.Equal(account.Lid, devices[0].Lid?.ToString());
        Assert.Equal([0, ourDevice.Device], devices[0].Devices.Select(d => (int)d.Jid.Device));
        Assert.True(devices[0].Devices[1].KeyIndex > 0);
        Assert.Equal(other.Lid, devices[1].Lid?.ToString());
        Assert.Equal([other.Jid], devices[1].Devices.Select(d => d.Jid.ToString()));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private const string PairingQrPrefix = "https://wa.me/settings/linked_devices#";
}
