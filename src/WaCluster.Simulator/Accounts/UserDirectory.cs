using System.Globalization;
using WaCluster.Protocol.Jids;

namespace WaCluster.Simulator.Accounts;

/// <summary>Every account the simulator knows, by phone number and by LID. Guarded by the simulator's state lock.</summary>
internal sealed class UserDirectory(Random random, bool lidAddressed = false, Func<SimUser, PhoneInbox>? inboxFactory = null)
{
    private readonly Dictionary<string, SimUser> _byPhone = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimUser> _byLid = new(StringComparer.Ordinal);

    public IReadOnlyCollection<SimUser> Users => _byPhone.Values;

    /// <summary>Creates an account with a fresh phone number (or the given one) and LID.</summary>
    public SimUser Create(string? phoneNumber = null)
    {
        phoneNumber ??= NewUnique(() => "1555" + random.NextInt64(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture), _byPhone);
        if (phoneNumber.Length is < 5 or > 20 || !phoneNumber.All(char.IsAsciiDigit))
        {
            throw new SimulatorException($"'{phoneNumber}' is not a phone number (5 to 20 digits)");
        }
        if (_byPhone.ContainsKey(phoneNumber)) throw new SimulatorException($"phone number {phoneNumber} is taken");
        var lid = NewUnique(() => random.NextInt64(100_000_000_000_000, 1_000_000_000_000_000).ToString(CultureInfo.InvariantCulture), _byLid);
        var user = new SimUser(phoneNumber, lid, (uint)random.Next(1, int.MaxValue), new PrimaryPhone((uint)random.Next(1, 16380)));
        user.Inbox = inboxFactory?.Invoke(user);
        user.AddressedByLid = lidAddressed;
        _byPhone.Add(phoneNumber, user);
        _byLid.Add(lid, user);
        return user;
    }

    public SimUser? FindByPhone(string phoneNumber) => _byPhone.GetValueOrDefault(phoneNumber);

    /// <summary>The account a user JID names, in the PN (or legacy c.us) or LID namespace.</summary>
    public SimUser? Find(Jid jid) => jid.Server switch
    {
        JidServer.User or JidServer.LegacyUser => _byPhone.GetValueOrDefault(jid.User),
        JidServer.Lid => _byLid.GetValueOrDefault(jid.User),
        _ => null,
    };

    private static string NewUnique(Func<string> next, Dictionary<string, SimUser> taken)
    {
        while (true)
        {
            var candidate = next();
            if (!taken.ContainsKey(candidate)) return candidate;
        }
    }
}
