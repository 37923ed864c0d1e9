using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Groups;

namespace WaCluster.Signal.Tests.Groups;

[Trait("Proof", "signal-property")]
public sealed class SenderKeyRecordTests
{
    [Fact]
    public void Records_round_trip_through_bytes_and_clones_are_independent()
    {
        var record = new SenderKeyRecord();
        var peerKeys = Enumerable.Range(0, 7).Select(_ => Curve25519.GenerateKeyPair()).ToArray();
        for (var i = 0; i < peerKeys.Length; i++)
        {
            record.AddReceivedState((uint)(100 + i), (uint)(i * 3), RandomNumberGenerator.GetBytes(32), peerKeys[i].PublicKey);
        }
        Assert.Equal(SenderKeyRecord.MaxStates, record.States.Count);
        Assert.Equal([102u, 103u, 104u, 105u, 106u], record.States.Select(s => s.KeyId));

        var copy = SenderKeyRecord.FromBytes(record.ToBytes());
        Assert.Equal(record.ToBytes(), copy.ToBytes());
        Assert.Equal(record.States.Select(s => (s.KeyId, s.ChainIteration)), copy.States.Select(s => (s.KeyId, s.ChainIteration)));

        var clone = record.Clone();
        var before = record.ToBytes();
        clone.ResetToOwnState(7, RandomNumberGenerator.GetBytes(32), Curve25519.GenerateKeyPair());
        Assert.Equal(before, record.ToBytes());
        Assert.True(clone.CurrentState!.CanSign);
        Assert.Equal(clone.ToBytes(), SenderKeyRecord.FromBytes(clone.ToBytes()).ToBytes());
    }

    [Fact]
    public void Corrupt_record_bytes_are_typed_errors()
    {
        var record = new SenderKeyRecord();
        record.AddReceivedState(1, 0, RandomNumberGenerator.GetBytes(32), Curve25519.GenerateKeyPair().PublicKey);
        var bytes = record.ToBytes();
        Assert.Throws<InvalidMessageException>(() => SenderKeyRecord.FromBytes(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidMessageException>(() => SenderKeyRecord.FromBytes([0xFF, 0xFF]));
        Assert.Throws<InvalidMessageException>(() => SenderKeyRecord.FromBytes([])); // version 0
    }
}
