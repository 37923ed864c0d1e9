using System.Text;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Store;

/// <summary>What learning a PN-LID pair did.</summary>
public enum LidLearning
{
    /// <summary>The pair was unknown: it is staged in the transaction, to be persisted with it.</summary>
    New,

    /// <summary>The same pair was known already: nothing written.</summary>
    Known,
}

/// <summary>
/// The account's map between phone-number users (<c>…@s.whatsapp.net</c>) and their LIDs (<c>…@lid</c>), by user
/// (devices share their user's pair), both ways. A user keeps one LID and a LID one phone number: a pair that
/// contradicts a known one is refused (<see cref="LidMappingConflictException"/>) and nothing is written.
/// </summary>
public sealed class LidMappings(IAccountDataReader data)
{
    public const string Kind = "lid-mapping";

    /// <summary>The LID user of <paramref name="pn"/>'s user, with <paramref name="pn"/>'s device; null when unknown.</summary>
    public Jid? LidOf(Jid pn) =>
        pn.IsPnUser && data.TryGet(Kind, PnKey(pn.User), out var lid) ? new Jid(Encoding.UTF8.GetString(lid), JidServer.Lid, pn.Device) : null;

    /// <summary>The phone-number user of <paramref name="lid"/>'s user, with <paramref name="lid"/>'s device; null when unknown.</summary>
    public Jid? PnOf(Jid lid) =>
        lid.IsLid && data.TryGet(Kind, LidKey(lid.User), out var pn) ? new Jid(Encoding.UTF8.GetString(pn), JidServer.User, lid.Device) : null;

    /// <summary>
    /// Learns that <paramref name="pn"/> and <paramref name="lid"/> are one user (devices ignored), staging the pair
    /// in <paramref name="transaction"/> when it is new.
    /// </summary>
    /// <exception cref="LidMappingException">Either side is not of its kind, or the pair contradicts a known one.</exception>
    public static LidLearning Learn(AccountDataTransaction transaction, Jid pn, Jid lid)
    {
        if (!pn.IsPnUser || pn.User.Length == 0) throw new LidMappingException($"'{pn}' is not a phone-number user");
        if (!lid.IsLid || lid.User.Length == 0) throw new LidMappingException($"'{lid}' is not a LID user");
        var known = new LidMappings(transaction);
        var knownLid = known.LidOf(pn.ToNonAd());
        var knownPn = known.PnOf(lid.ToNonAd());
        if (knownLid is { } l && knownPn is { } p && l.User == lid.User && p.User == pn.User) return LidLearning.Known;
        if (knownLid is { } other && other.User != lid.User)
        {
            throw new LidMappingConflictException($"{pn.ToNonAd()} is known as {other}, not {lid.ToNonAd()}");
        }
        if (knownPn is { } otherPn && otherPn.User != pn.User)
        {
            throw new LidMappingConflictException($"{lid.ToNonAd()} is known as {otherPn}, not {pn.ToNonAd()}");
        }
        transaction.Set(Kind, PnKey(pn.User), Encoding.UTF8.GetBytes(lid.User));
        transaction.Set(Kind, LidKey(lid.User), Encoding.UTF8.GetBytes(pn.User));
        return LidLearning.New;
    }

    private static string PnKey(string user) => "pn:" + user;

    private static string LidKey(string user) => "lid:" + user;
}

/// <summary>A PN-LID pair that cannot be learned (a side of the wrong kind).</summary>
public class LidMappingException(string message) : EngineException(message);

/// <summary>A PN-LID pair that contradicts one the account knows; the known pair stays.</summary>
public sealed class LidMappingConflictException(string message) : LidMappingException(message);
