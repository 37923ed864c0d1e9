using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Iq;

/// <summary>The keep-alive ping (<c>w:p</c>): any result proves the connection alive.</summary>
public sealed class PingSpec : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("to", Jid.ServerJid.ToString()), ("type", "get"), ("xmlns", "w:p")], [new BinaryNode("ping")]);

    public IqAccepted Parse(BinaryNode response) => default;
}

/// <summary>Tells the server after login that this client is active (<c>passive</c> set <c>active</c>), so it delivers the backlog.</summary>
public sealed class PassiveActiveSpec : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("to", Jid.ServerJid.ToString()), ("xmlns", "passive"), ("type", "set")], [new BinaryNode("active")]);

    public IqAccepted Parse(BinaryNode response) => default;
}

/// <summary>Unlinks our device (<c>md</c> set <c>remove-companion-device</c>); Baileys' logout sends it without waiting for the answer.</summary>
public sealed class RemoveCompanionDeviceSpec(string deviceJid) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) =>
        new("iq", [("to", "@s.whatsapp.net"), ("type", "set"), ("id", id), ("xmlns", "md")],
            [new BinaryNode("remove-companion-device", [("jid", deviceJid), ("reason", "user_initiated")])]);

    public IqAccepted Parse(BinaryNode response) => default;
}
