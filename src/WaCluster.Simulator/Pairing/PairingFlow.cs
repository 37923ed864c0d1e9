using WaCluster.Protocol.Binary;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.Pairing;

/// <summary>
/// QR linking, server side: refs for the registering client, pair-success once the phone scans, the companion's
/// pair-device-sign answer checked, then the 515 stream error that makes the client reconnect and log in.
/// </summary>
internal static class PairingFlow
{
    /// <summary>Restart required: the client must reconnect with its new login payload.</summary>
    private const int RestartRequired = 515;

    public static void Begin(WaSimulator simulator, ChatConnection connection, CompanionRegistration registration)
    {
        var refs = new List<string>(simulator.Options.PairingRefCount);
        for (var i = 0; i < simulator.Options.PairingRefCount; i++) refs.Add(simulator.NewRef());
        var pending = new PendingPairing(connection, registration, refs);
        connection.Pairing = pending;
        simulator.RegisterPairing(pending);
        var refNodes = refs.Select(r => new BinaryNode("ref", [], System.Text.Encoding.UTF8.GetBytes(r))).ToArray();
        connection.Send(new BinaryNode("iq", [("from", ServerNodes.Server), ("type", "set"), ("id", simulator.NewStanzaId()), ("xmlns", "md")],
            [new BinaryNode("pair-device", [], refNodes)]));
    }

    /// <summary>The phone scanned the QR: sign the companion into the account and tell the client.</summary>
    public static void SendPairSuccess(WaSimulator simulator, PendingPairing pending, PairingQr qr, string? phoneNumber)
    {
        var registration = pending.Registration;
        if (!qr.NoiseKey.AsSpan().SequenceEqual(registration.NoiseKey) || !qr.IdentityKey.AsSpan().SequenceEqual(registration.Keys.IdentityKey))
        {
            throw new SimulatorException("QR keys differ from the keys the waiting client registered with");
        }
        if (pending.User is not null) throw new SimulatorException("this QR was already scanned");
        var user = (phoneNumber is null ? null : simulator.Directory.FindByPhone(phoneNumber)) ?? simulator.Directory.Create(phoneNumber);
        SignAndSendPairSuccess(simulator, pending, user, qr.AdvSecret);
    }

    /// <summary>Signs the waiting companion into <paramref name="user"/>'s account and sends pair-success.</summary>
    public static void SignAndSendPairSuccess(WaSimulator simulator, PendingPairing pending, SimUser user, byte[] advSecret)
    {
        var registration = pending.Registration;
        var (deviceId, keyIndex) = user.AllocateDevice();
        pending.User = user;
        pending.DeviceId = deviceId;
        pending.KeyIndex = keyIndex;
        pending.SignedIdentity = AdvSigning.SignCompanion(user, keyIndex, registration.Keys.IdentityKey, advSecret, WaSimulator.Now);
        pending.SuccessIqId = simulator.NewStanzaId();
        pending.Connection.Send(new BinaryNode("iq", [("from", ServerNodes.Server), ("type", "set"), ("id", pending.SuccessIqId), ("xmlns", "md")],
        [
            new BinaryNode("pair-success", [],
            [
                new BinaryNode("device-identity", [], pending.SignedIdentity),
                new BinaryNode("platform", [("name", registration.Platform)]),
                new BinaryNode("device", [("jid", user.DeviceJid(deviceId, lid: false)), ("lid", user.DeviceJid(deviceId, lid: true))]),
            ]),
        ]));
    }

    /// <summary>The client's answer to pair-success: verify its device signature, store the device, restart.</summary>
    public static void OnPairSuccessAnswer(WaSimulator simulator, ChatConnection connection, PendingPairing pending, BinaryNode answer)
    {
        simulator.ForgetPairing(pending);
        connection.Pairing = null;
        try
        {
            if (answer["type"] != "result") throw new SimulatorException($"client refused pair-success: {answer}");
            var identity = answer.RequireChild("pair-device-sign").RequireChild("device-identity");
            if (identity.ContentKind != NodeContentKind.Bytes) throw new SimulatorException("pair-device-sign device-identity has no bytes");
            var user = pending.User!;
            AdvSigning.VerifyCompanionSignature(user, pending.SignedIdentity!, identity.Bytes.Span, pending.Registration.Keys.IdentityKey);
            var device = new SimDevice(user, pending.DeviceId, pending.KeyIndex, pending.Registration.NoiseKey, pending.Registration.Keys);
            user.Companions[device.Id] = device;
            Stanzas.DeviceNotifications.Notify(simulator, device, "add");
            // The phone shares its app state key with the new companion (queued until the companion logs in).
            _ = Task.Run(() => simulator.PhoneShareAppStateKeysAsync(device, requested: null));
            simulator.Counters.Pairing();
            connection.SendAndClose(ServerNodes.StreamError(RestartRequired));
            pending.Linked.TrySetResult(device);
            simulator.StartHistorySync(device, pending.Registration.RequireFullSync);
        }
        catch (WaCluster.Protocol.ProtocolException ex)
        {
            pending.Linked.TrySetException(ex);
            connection.SendAndClose(ServerNodes.StreamError(401));
        }
    }
}
