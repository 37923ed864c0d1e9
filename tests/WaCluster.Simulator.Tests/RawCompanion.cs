using System.Globalization;
using System.Text;
using Google.Protobuf;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Proto;

namespace WaCluster.Simulator.Tests;

/// <summary>
/// A companion linked and logged in through <see cref="RawChatClient"/> with our own protocol code: registers, is
/// scanned in-process, counter-signs its ADV identity, then logs in and goes active.
/// </summary>
internal static class RawCompanion
{
    private static ReadOnlySpan<byte> DeviceSignaturePrefix => [6, 1];

    public static async Task<(RawChatClient Client, AccountInfo Account)> LinkAndLoginAsync(SimulatorHost host)
    {
        var noiseKey = Curve25519.GenerateKeyPair();
        var identity = Curve25519.GenerateKeyPair();
        var advSecret = new byte[32];
        Random.Shared.NextBytes(advSecret);
        AccountInfo account;
        await using (var registering = await RawChatClient.OpenAsync(host.ChatUri))
        {
            await registering.HandshakeAsync(host.Simulator.RootPublicKey, noiseKey, RawChatClient.RegistrationPayload(identity));
            var offer = await registering.ReceiveNodeAsync() ?? throw new InvalidOperationException("no pair-device");
            var reference = Encoding.UTF8.GetString(offer.RequireChild("pair-device").GetChildren("ref").First().Bytes.Span);
            var scan = host.Simulator.ScanAsync(string.Join(',', reference, Convert.ToBase64String(noiseKey.PublicKey), Convert.ToBase64String(identity.PublicKey), Convert.ToBase64String(advSecret)));
            var success = await registering.ReceiveUntilAsync(n => n.GetChild("pair-success") is not null) ?? throw new InvalidOperationException("no pair-success");
            var container = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(success.RequireChild("pair-success").RequireChild("device-identity").Bytes.Span);
            var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);
            var keyIndex = ADVDeviceIdentity.Parser.ParseFrom(signed.Details).KeyIndex;
            signed.DeviceSignature = ByteString.CopyFrom(Curve25519.Sign(identity.PrivateKey,
                [.. DeviceSignaturePrefix, .. signed.Details.Span, .. identity.PublicKey, .. signed.AccountSignatureKey.Span]));
            signed.ClearAccountSignatureKey();
            await registering.SendNodeAsync(new BinaryNode("iq", [("to", "s.whatsapp.net"), ("type", "result"), ("id", success["id"])],
                [new BinaryNode("pair-device-sign", [], [new BinaryNode("device-identity", [("key-index", keyIndex.ToString(CultureInfo.InvariantCulture))], signed.ToByteArray())])]));
            account = await scan;
        }
        var device = uint.Parse(account.DeviceJid!.Split(':', '@')[1], CultureInfo.InvariantCulture);
        var client = await RawChatClient.OpenAsync(host.ChatUri);
        await client.HandshakeAsync(host.Simulator.RootPublicKey, noiseKey, new ClientPayload
        {
            Username = ulong.Parse(account.Phone, CultureInfo.InvariantCulture),
            Device = device,
            Passive = true,
            Pull = true,
            PushName = "raw",
        });
        if (await client.ReceiveNodeAsync() is not { Tag: "success" }) throw new InvalidOperationException("login refused");
        await client.SendNodeAsync(new BinaryNode("iq", [("id", "active"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "passive")], [new BinaryNode("active")]));
        await client.ReceiveUntilAsync(n => n.Tag == "ib");
        return (client, account);
    }
}
