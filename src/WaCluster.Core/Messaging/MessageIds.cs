using System.Security.Cryptography;

namespace WaCluster.Core.Messaging;

/// <summary>Message ids: WhatsApp Web's form ("3EB0" and 18 random hex digits), or one a caller chose.</summary>
public static class MessageIds
{
    /// <summary>Longest caller-chosen id accepted (WhatsApp's own ids are 20 to 32 characters).</summary>
    public const int MaxLength = 64;

    public static string New() => "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(9));

    /// <summary>
    /// Checks a caller-chosen id: 1 to <see cref="MaxLength"/> ASCII letters, digits, '-', '_' or '.'. Nothing else, so
    /// that an id is safe in stanza attributes, in dedupe keys ("sender|id") and in logs.
    /// </summary>
    public static string Validate(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length is 0 or > MaxLength) throw new InvalidMessageIdException(id, $"must be 1 to {MaxLength} characters");
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) throw new InvalidMessageIdException(id, "may hold only ASCII letters, digits, '-', '_' and '.'");
        }
        return id;
    }
}

/// <summary>A caller-chosen message id the engine will not put on the wire.</summary>
public sealed class InvalidMessageIdException(string id, string reason)
    : EngineException($"message id '{(id.Length > MessageIds.MaxLength ? id[..MessageIds.MaxLength] + "…" : id)}' {reason}");
