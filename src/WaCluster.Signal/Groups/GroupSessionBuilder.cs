using System.Security.Cryptography;
using WaCluster.Protocol.Crypto;

namespace WaCluster.Signal.Groups;

/// <summary>Creates our sender key for a group (and its distribution message) and installs the keys peers distribute.</summary>
public sealed class GroupSessionBuilder(ISenderKeyStore store)
{
    /// <summary>Installs a peer's sender key; earlier keys of that sender stay usable (up to <see cref="SenderKeyRecord.MaxStates"/>).</summary>
    public async Task ProcessAsync(SenderKeyName name, SenderKeyDistributionMessage distribution)
    {
        var record = await store.LoadSenderKeyAsync(name).ConfigureAwait(false) ?? new SenderKeyRecord();
        record.AddReceivedState(distribution.KeyId, distribution.Iteration, distribution.ChainKey, distribution.SigningKey);
        await store.StoreSenderKeyAsync(name, record).ConfigureAwait(false);
    }

    /// <summary>The distribution message of our sending key for <paramref name="name"/>, creating the key on first use.</summary>
    public async Task<SenderKeyDistributionMessage> CreateAsync(SenderKeyName name)
    {
        var record = await store.LoadSenderKeyAsync(name).ConfigureAwait(false) ?? new SenderKeyRecord();
        if (record.CurrentState is not { CanSign: true })
        {
            record.ResetToOwnState(NewKeyId(previous: null), RandomNumberGenerator.GetBytes(SenderKeyState.SeedLength), Curve25519.GenerateKeyPair());
            await store.StoreSenderKeyAsync(name, record).ConfigureAwait(false);
        }
        return DistributionOf(record.CurrentState!);
    }

    /// <summary>
    /// Replaces our sending key with a fresh one under a new key id (e.g. after a member left, so it cannot read on);
    /// members need the returned distribution message before they can read what we send next.
    /// </summary>
    public async Task<SenderKeyDistributionMessage> RotateAsync(SenderKeyName name)
    {
        var record = await store.LoadSenderKeyAsync(name).ConfigureAwait(false) ?? new SenderKeyRecord();
        record.ResetToOwnState(NewKeyId(record.CurrentState?.KeyId), RandomNumberGenerator.GetBytes(SenderKeyState.SeedLength), Curve25519.GenerateKeyPair());
        await store.StoreSenderKeyAsync(name, record).ConfigureAwait(false);
        return DistributionOf(record.CurrentState!);
    }

    private static SenderKeyDistributionMessage DistributionOf(SenderKeyState state) =>
        new(state.KeyId, state.ChainIteration, state.ChainSeed, state.SigningPublicKey);

    /// <summary>A random key id in [0, 2^31 - 1) like Baileys', never the one being replaced.</summary>
    private static uint NewKeyId(uint? previous)
    {
        uint id;
        do
        {
            id = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        }
        while (id == previous);
        return id;
    }
}
