namespace WaCluster.Protocol.Jids;

/// <summary>Domain type byte of an AD_JID on the wire (and Baileys' <c>WAJIDDomains</c>).</summary>
public enum JidDomainType : byte
{
    WhatsApp = 0,
    Lid = 1,
    Hosted = 128,
    HostedLid = 129,
}
