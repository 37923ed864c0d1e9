using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Connections;

namespace WaCluster.Simulator.Accounts;

/// <summary>A linked companion device: the keys it registered with, its connection and its undelivered stanzas.</summary>
public sealed class SimDevice(SimUser user, ushort id, uint keyIndex, byte[] noiseKey, PublishedKeys keys)
{
    public SimUser User { get; } = user;

    public ushort Id { get; } = id;

    public uint KeyIndex { get; } = keyIndex;

    /// <summary>The static Noise public key the device paired with; a login must present the same one.</summary>
    public byte[] NoiseKey { get; } = noiseKey;

    public PublishedKeys Keys { get; } = keys;

    public Jid PnJid => User.DeviceJid(Id, lid: false);

    public Jid LidJid => User.DeviceJid(Id, lid: true);

    /// <summary>The logged-in connection, if any.</summary>
    public ChatConnection? Connection { get; set; }

    public DeviceFaults Faults { get; } = new();

    /// <summary>Stanzas sent or waiting to be sent, removed when the device acks them.</summary>
    public UnackedStanzas Pending { get; } = new();

    /// <summary>Queues a stanza until the device acks it; pushes it now when the device is online and active.</summary>
    internal void Deliver(PendingStanza stanza)
    {
        Pending.Add(stanza);
        if (Connection is { IsActive: true } connection) connection.Send(stanza.Node);
    }

    /// <summary>A server ack for a stanza of this device, unless acks are withheld from it.</summary>
    internal void Ack(BinaryNode ack)
    {
        if (!Faults.WithholdAcks) Connection?.Send(ack);
    }

    public override string ToString() => PnJid.ToString();
}
