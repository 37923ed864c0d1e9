using WaCluster.Core.Store;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Messaging;

/// <summary>A phone-number user and its LID, as a stanza names one device in both forms.</summary>
public readonly record struct LidPair(Jid Pn, Jid Lid);

/// <summary>
/// The PN-LID pairs a message, receipt or notification carries: its sender (<c>from</c>, or a group's
/// <c>participant</c>) beside the other form in <c>sender_pn</c>/<c>sender_lid</c>/<c>participant_pn</c>/
/// <c>participant_lid</c>, and our own copy's <c>peer_recipient_pn</c>.
/// </summary>
public static class LidPairs
{
    /// <exception cref="LidMappingException">An attribute is not a JID, or not of the form its name says, or the sender is neither PN nor LID.</exception>
    public static IReadOnlyList<LidPair> Of(BinaryNode stanza)
    {
        var pairs = new List<LidPair>();
        var from = stanza.GetJid("from");
        if (from is { IsGroup: true } || from is { IsBroadcast: true })
        {
            if (stanza.GetJid("participant") is { } participant)
            {
                Add(pairs, stanza, participant, "participant_pn", "participant_lid");
            }
        }
        else if (from is { } sender)
        {
            Add(pairs, stanza, sender, "sender_pn", "sender_lid");
            Add(pairs, stanza, sender, "peer_recipient_pn", null);
        }
        return pairs;
    }

    /// <summary>The pairs a <c>devices</c> notification names: each listed device's <c>jid</c> beside its <c>lid</c>.</summary>
    /// <exception cref="LidMappingException">A device's jid or lid is not a JID of its form.</exception>
    public static IReadOnlyList<LidPair> OfDevices(BinaryNode notification)
    {
        var pairs = new List<LidPair>();
        foreach (var device in notification.Children.SelectMany(change => change.GetChildren("device")))
        {
            if (JidOf(device, "jid") is { } named && device.GetAttribute("lid") is not null) Add(pairs, device, named, "", "lid");
        }
        return pairs;
    }

    private static void Add(List<LidPair> pairs, BinaryNode stanza, Jid named, string pnAttribute, string? lidAttribute)
    {
        if (pnAttribute.Length > 0 && JidOf(stanza, pnAttribute) is { } pn)
        {
            if (!named.IsLid || !pn.IsPnUser) throw new LidMappingException($"{pnAttribute} '{pn}' beside '{named}' is not a phone number beside a LID");
            pairs.Add(new LidPair(pn.ToNonAd(), named.ToNonAd()));
        }
        if (lidAttribute is not null && JidOf(stanza, lidAttribute) is { } lid)
        {
            if (!named.IsPnUser || !lid.IsLid) throw new LidMappingException($"{lidAttribute} '{lid}' beside '{named}' is not a LID beside a phone number");
            pairs.Add(new LidPair(named.ToNonAd(), lid.ToNonAd()));
        }
    }

    private static Jid? JidOf(BinaryNode stanza, string attribute)
    {
        if (stanza.GetAttribute(attribute) is not { } text) return null;
        return Jid.TryParse(text, out var jid) && jid.User.Length > 0
            ? jid
            : throw new LidMappingException($"{attribute} '{text}' is not a user JID");
    }
}
