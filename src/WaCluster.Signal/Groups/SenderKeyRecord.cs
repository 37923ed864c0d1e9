using Google.Protobuf;
using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Groups.Proto;

namespace WaCluster.Signal.Groups;

/// <summary>
/// All sender keys known for one (group, sender device): for a peer, the last <see cref="MaxStates"/> keys it
/// distributed (so messages of a rotated-out key still decrypt); for ourselves, the single key we send with.
/// Not thread-safe: one operation at a time per record.
/// </summary>
public sealed class SenderKeyRecord
{
    /// <summary>States kept per record (Baileys' limit); the oldest is dropped first.</summary>
    public const int MaxStates = 5;

    private const uint FormatVersion = 1;

    // Oldest first, key ids unique; the last one is current.
    private readonly List<SenderKeyState> _states;

    public SenderKeyRecord()
        : this([])
    {
    }

    private SenderKeyRecord(List<SenderKeyState> states)
    {
        _states = states;
    }

    public bool IsEmpty => _states.Count == 0;

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<SenderKeyState> States => _states;

    /// <summary>The newest state: the one we encrypt with when the record is ours.</summary>
    public SenderKeyState? CurrentState => _states.Count == 0 ? null : _states[^1];

    public SenderKeyState? StateFor(uint keyId)
    {
        foreach (var state in _states)
        {
            if (state.KeyId == keyId)
            {
                return state;
            }
        }
        return null;
    }

    /// <summary>
    /// Adds a peer's key from its distribution message. A redistribution of a key we already hold (same id and signing
    /// key) keeps our state, so it cannot rewind the chain and replay consumed messages; a different key under the
    /// same id replaces it.
    /// </summary>
    internal void AddReceivedState(uint keyId, uint iteration, ReadOnlySpan<byte> chainSeed, ReadOnlySpan<byte> rawSigningKey)
    {
        var index = _states.FindIndex(s => s.KeyId == keyId);
        SenderKeyState state;
        if (index >= 0 && _states[index].HasSameSigningKey(rawSigningKey))
        {
            state = _states[index];
        }
        else
        {
            state = SenderKeyState.ForReceiving(keyId, iteration, chainSeed, rawSigningKey);
        }
        if (index >= 0)
        {
            _states.RemoveAt(index);
        }
        _states.Add(state);
        if (_states.Count > MaxStates)
        {
            _states.RemoveRange(0, _states.Count - MaxStates);
        }
    }

    /// <summary>Makes this record hold only our new sending key.</summary>
    internal void ResetToOwnState(uint keyId, ReadOnlySpan<byte> chainSeed, KeyPair signingKey)
    {
        _states.Clear();
        _states.Add(SenderKeyState.ForSending(keyId, 0, chainSeed, signingKey));
    }

    /// <summary>A copy sharing nothing mutable with this record.</summary>
    public SenderKeyRecord Clone() => new(_states.ConvertAll(s => s.Clone()));

    public byte[] ToBytes()
    {
        var data = new SenderKeyRecordData { Version = FormatVersion };
        foreach (var state in _states)
        {
            var stateData = new SenderKeyStateData
            {
                KeyId = state.KeyId,
                ChainIteration = state.ChainIteration,
                ChainSeed = ByteString.CopyFrom(state.ChainSeed),
                SigningPublicKey = ByteString.CopyFrom(state.SigningPublicKey),
            };
            if (state.CanSign)
            {
                stateData.SigningPrivateKey = ByteString.CopyFrom(state.SigningPrivateKey);
            }
            foreach (var skipped in state.SkippedMessageKeys)
            {
                stateData.SkippedMessageKeys.Add(new SkippedMessageKeyData
                {
                    Iteration = skipped.Iteration,
                    Seed = ByteString.CopyFrom(skipped.Seed),
                });
            }
            data.States.Add(stateData);
        }
        return data.ToByteArray();
    }

    /// <exception cref="InvalidMessageException">The bytes are not a record of a supported version, or break its invariants.</exception>
    public static SenderKeyRecord FromBytes(ReadOnlySpan<byte> bytes)
    {
        SenderKeyRecordData data;
        try
        {
            data = SenderKeyRecordData.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidMessageException("sender key record is not valid protobuf", ex);
        }
        if (data.Version != FormatVersion)
        {
            throw new InvalidMessageException($"sender key record version {data.Version} is not supported");
        }
        if (data.States.Count > MaxStates)
        {
            throw new InvalidMessageException($"sender key record holds {data.States.Count} states, at most {MaxStates} allowed");
        }
        var states = new List<SenderKeyState>(data.States.Count);
        foreach (var stateData in data.States)
        {
            var state = ReadState(stateData);
            if (states.Exists(s => s.KeyId == state.KeyId))
            {
                throw new InvalidMessageException($"sender key record holds key id {state.KeyId} twice");
            }
            states.Add(state);
        }
        return new SenderKeyRecord(states);
    }

    private static SenderKeyState ReadState(SenderKeyStateData data)
    {
        RequireLength(data.ChainSeed, SenderKeyState.SeedLength, "chain seed");
        RequireLength(data.SigningPublicKey, Curve25519.KeyLength, "signing public key");
        byte[]? privateKey = null;
        if (!data.SigningPrivateKey.IsEmpty)
        {
            RequireLength(data.SigningPrivateKey, Curve25519.KeyLength, "signing private key");
            privateKey = data.SigningPrivateKey.ToByteArray();
        }
        if (data.SkippedMessageKeys.Count > SenderKeyState.MaxSkippedMessageKeys)
        {
            throw new InvalidMessageException($"sender key state holds {data.SkippedMessageKeys.Count} skipped keys");
        }
        var skipped = new List<SkippedMessageKey>(data.SkippedMessageKeys.Count);
        foreach (var key in data.SkippedMessageKeys)
        {
            RequireLength(key.Seed, SenderKeyState.SeedLength, "skipped message key seed");
            var ascending = skipped.Count == 0 || skipped[^1].Iteration < key.Iteration;
            if (!ascending || key.Iteration >= data.ChainIteration)
            {
                throw new InvalidMessageException($"skipped message key {key.Iteration} is out of order");
            }
            skipped.Add(new SkippedMessageKey(key.Iteration, key.Seed.ToByteArray()));
        }
        return new SenderKeyState(data.KeyId, data.ChainIteration, data.ChainSeed.ToByteArray(),
            data.SigningPublicKey.ToByteArray(), privateKey, skipped);
    }

    private static void RequireLength(ByteString value, int length, string what)
    {
        if (value.Length != length)
        {
            throw new InvalidMessageException($"sender key record {what} is {value.Length} bytes, expected {length}");
        }
    }

    public override string ToString() => $"SenderKeyRecord({_states.Count} states, current id {CurrentState?.KeyId})";
}
