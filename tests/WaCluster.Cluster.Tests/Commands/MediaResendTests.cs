using Google.Protobuf;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cluster.Tests.Commands;

/// <summary>
/// A media send whose server ack never came survives a node restart as the persisted message pointing at the uploaded
/// blob: after the restart it leaves again with the same id, nothing is uploaded a second time, and the Baileys peer
/// downloads the same bytes. (Baileys itself reports the resend as a second upsert of the same key; an app's store keyed
/// by message id, like our engine's dedupe window, shows it once.)
/// </summary>
[Trait("Proof", "cluster-engine")]
public sealed class MediaResendTests(CommandsCluster cluster) : IClassFixture<CommandsCluster>
{
    [Fact]
    public async Task An_unacked_media_send_is_resent_after_a_restart_without_uploading_again()
    {
        var account = await cluster.PairAsync("resender", "15550003071");
        var peer = await cluster.StartBaileysAsync("resend-peer");
        await cluster.Node.CallAsync("media.sim.watch", new { id = "resend-peer" }, CommandsCluster.Slow);
        var simulator = cluster.Simulator.Simulator;
        var bytes = new byte[20_000];
        Random.Shared.NextBytes(bytes);

        simulator.SetFaults(account.DeviceJid!, withholdAcks: true);
        var blobs = simulator.Media.Count;
        await cluster.Accounts.SendMediaAsync("resender", "resend-image-1", peer.Jid,
            new MediaContent { Kind = MediaKind.Image, Data = ByteString.CopyFrom(bytes), Caption = "resent" });
        Assert.Equal(blobs + 1, simulator.Media.Count);
        // The peer has it, but the server's ack was withheld: the send is still pending in the outbox.
        await cluster.Node.CallAsync("media.sim.waitMedia", new { id = "resend-peer", count = 1 }, CommandsCluster.Slow);
        Assert.Equal(1, (await cluster.Accounts.GetStatusAsync("resender")).PendingSends);
        Assert.DoesNotContain(cluster.Events.All.OfType<SendCompleted>(), s => s.MessageId == "resend-image-1");

        simulator.SetFaults(account.DeviceJid!, withholdAcks: false);
        await cluster.RestartNodeAsync();
        await cluster.Accounts.StartAccountAsync("resender");

        Assert.Equal(0, (await cluster.Events.NextAsync<SendCompleted>("resender", s => s.MessageId == "resend-image-1")).ErrorCode);
        Assert.Equal(0, (await cluster.Accounts.GetStatusAsync("resender")).PendingSends);
        Assert.Equal(blobs + 1, simulator.Media.Count);
        // A text sent after the resend reaches the peer after every copy of it: all the peer got before the text is checked.
        await cluster.Accounts.SendTextAsync("resender", "resend-marker", peer.Jid, "after the resend");
        List<PeerReceived> received;
        for (var count = 1; !(received = await cluster.Node.CallAsync<List<PeerReceived>>("sim.waitReceived",
            new { id = "resend-peer", count }, CommandsCluster.Slow)).Exists(m => m.Id == "resend-marker"); count = received.Count + 1)
        {
        }
        Assert.Equal(("resend-marker", "after the resend"), (received[^1].Id, received[^1].Text));
        // The very message again: no copy under another id, every copy with the same caption.
        Assert.All(received[..^1], m => Assert.Equal(("resend-image-1", "resent"), (m.Id, m.Text)));
        Assert.NotEmpty(received[..^1]);
        var download = await cluster.Node.CallAsync<string>("media.sim.download", new { id = "resend-peer", messageId = "resend-image-1" }, CommandsCluster.Slow);
        Assert.Equal(bytes, Convert.FromBase64String(download));
    }

    private sealed record PeerReceived(string Id, string Text);
}
