using System.Globalization;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Proto;
using WaCluster.TestSupport.Companions;

namespace WaCluster.Simulator.Tests;

/// <summary>
/// A companion linked (<see cref="CompanionRegistration"/>) and logged in through <see cref="RawChatClient"/> with our
/// own protocol code: once scanned in-process and linked, it logs in, goes active and settles the phone's key share.
/// </summary>
internal static class RawCompanion
{
    public static async Task<(RawChatClient Client, AccountInfo Account)> LinkAndLoginAsync(SimulatorHost host)
    {
        var companion = new CompanionRegistration();
        AccountInfo account;
        await using (var registering = await RawChatClient.OpenAsync(host.ChatUri))
        {
            await registering.HandshakeAsync(host.Simulator.RootPublicKey, companion.NoiseKey, companion.Payload);
            account = await companion.LinkAsync(registering, qr => host.Simulator.ScanAsync(qr));
        }
        var device = uint.Parse(account.DeviceJid!.Split(':', '@')[1], CultureInfo.InvariantCulture);
        var client = await RawChatClient.OpenAsync(host.ChatUri);
        await client.HandshakeAsync(host.Simulator.RootPublicKey, companion.NoiseKey, new ClientPayload
        {
            Username = ulong.Parse(account.Phone, CultureInfo.InvariantCulture),
            Device = device,
            Passive = true,
            Pull = true,
            PushName = "raw",
        });
        if (await client.ReceiveNodeAsync() is not { Tag: "success" }) throw new InvalidOperationException("login refused");
        await client.SendNodeAsync(new BinaryNode("iq", [("id", "active"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "passive")], [new BinaryNode("active")]));
        // The phone shares its app state key with every companion it links: settle that message too, so the tests
        // see only their own traffic.
        var (sawOfflineMarker, sawKeyShare) = (false, false);
        while (!(sawOfflineMarker && sawKeyShare) && await client.ReceiveNodeAsync() is { } node)
        {
            sawOfflineMarker |= node.Tag == "ib";
            if (node.Tag == "message" && node["category"] == "peer")
            {
                sawKeyShare = true;
                await client.SendNodeAsync(new BinaryNode("ack", [("class", "message"), ("id", node.RequireAttribute("id")), ("to", node.RequireAttribute("from"))]));
            }
        }
        if (!sawKeyShare) throw new InvalidOperationException("the connection ended before the phone shared its app state key");
        // The server reads a connection in order: once a later ping is answered, the ack has been taken.
        await client.SendNodeAsync(new BinaryNode("iq", [("id", "settled"), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new BinaryNode("ping")]));
        while (await client.ReceiveNodeAsync() is { } answer && !(answer.Tag == "iq" && answer["id"] == "settled"))
        {
        }
        return (client, account);
    }
}
