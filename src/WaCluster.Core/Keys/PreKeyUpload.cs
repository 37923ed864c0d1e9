using WaCluster.Core.Creds;
using WaCluster.Protocol.Binary;
using WaCluster.Signal.Keys;

namespace WaCluster.Core.Keys;

/// <summary>A batch of new one-time pre-keys and the creds that account for them.</summary>
public sealed record PreKeyBatch(IReadOnlyList<PreKeyRecord> PreKeys, AuthCreds Creds);

/// <summary>Our one-time pre-keys: how many the server holds, how many to add, and new ones to add.</summary>
public static class PreKeyUpload
{
    /// <summary>What the server holds, as the count answer and the low-count notification both carry it in <c>count@value</c>.</summary>
    public static int ParseCount(BinaryNode response)
    {
        var count = response.GetChild("count") ?? throw new EngineException("pre-key count response has no <count>");
        return count.TryGetInt64("value", out var value) && value is >= 0 and <= int.MaxValue
            ? (int)value
            : throw new EngineException("pre-key count response has no valid value");
    }

    /// <summary>How many to upload given the server's count: the initial batch when it holds none, a top-up when low, else none.</summary>
    public static int CountToUpload(int serverCount, int initialCount, int minCount) =>
        serverCount == 0 ? initialCount : serverCount <= minCount ? minCount : 0;

    /// <summary>Generates <paramref name="count"/> pre-keys from <see cref="AuthCreds.NextPreKeyId"/>.</summary>
    public static PreKeyBatch Prepare(AuthCreds creds, int count)
    {
        var preKeys = KeyHelper.GeneratePreKeys(creds.NextPreKeyId, count);
        var next = count == 0 ? creds.NextPreKeyId : preKeys[^1].Id % KeyHelper.MaxPreKeyId + 1;
        var updated = creds with { NextPreKeyId = next, FirstUnuploadedPreKeyId = next };
        return new PreKeyBatch(preKeys, updated);
    }
}
