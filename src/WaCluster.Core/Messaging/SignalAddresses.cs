using WaCluster.Protocol.Jids;
using WaCluster.Signal;

namespace WaCluster.Core.Messaging;

/// <summary>Signal session addresses of WhatsApp devices, named as Baileys names them (non-PN domains get a suffix).</summary>
public static class SignalAddresses
{
    public static ProtocolAddress Of(Jid device)
    {
        if (device.User.Length == 0) throw new EngineException($"{device} has no user for a Signal address");
        var name = device.DomainType == JidDomainType.WhatsApp ? device.User : $"{device.User}_{(int)device.DomainType}";
        return new ProtocolAddress(name, device.Device);
    }
}
