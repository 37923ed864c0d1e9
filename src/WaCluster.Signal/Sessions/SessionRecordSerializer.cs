using Google.Protobuf;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Proto;
using WaCluster.Signal.Ratchet;

namespace WaCluster.Signal.Sessions;

/// <summary>Session record to and from <c>records.proto</c>; reading validates every key and bound.</summary>
internal static class SessionRecordSerializer
{
    public const uint RecordVersion = 1;

    private const string What = "session record";

    public static SessionRecordStructure ToStructure(SessionRecord record)
    {
        var structure = new SessionRecordStructure { Version = RecordVersion };
        if (record.Open is not null)
        {
            structure.Open = ToStructure(record.Open);
        }
        foreach (var state in record.Archived)
        {
            structure.Archived.Add(ToStructure(state));
        }
        return structure;
    }

    public static SessionRecord FromStructure(SessionRecordStructure structure)
    {
        RecordParsing.RequireVersion(structure.Version, RecordVersion, What);
        var total = structure.Archived.Count + (structure.Open is null ? 0 : 1);
        if (total > SessionLimits.MaxSessionsPerRecord)
        {
            throw new InvalidMessageException($"{What} holds {total} sessions, more than {SessionLimits.MaxSessionsPerRecord}");
        }
        return RecordParsing.Guard(What, () =>
        {
            var open = structure.Open is null ? null : FromStructure(structure.Open);
            var archived = new List<SessionState>(structure.Archived.Count);
            foreach (var state in structure.Archived)
            {
                archived.Add(FromStructure(state));
            }
            return SessionRecord.FromStates(open, archived);
        });
    }

    private static SessionStructure ToStructure(SessionState state) => state.Serialized ??= BuildStructure(state);

    private static SessionStructure BuildStructure(SessionState state)
    {
        var structure = new SessionStructure
        {
            RemoteRegistrationId = state.RemoteRegistrationId,
            RemoteIdentityKey = UnsafeByteOperations.UnsafeWrap(state.RemoteIdentityKey.Bytes),
            RootKey = UnsafeByteOperations.UnsafeWrap(state.RootKey),
            SenderRatchetPublic = UnsafeByteOperations.UnsafeWrap(state.SenderRatchetPublic),
            SenderRatchetPrivate = UnsafeByteOperations.UnsafeWrap(state.SenderRatchetPrivate),
            LastRemoteRatchetKey = UnsafeByteOperations.UnsafeWrap(state.LastRemoteRatchetKey),
            PreviousCounter = state.PreviousCounter,
            BaseKey = UnsafeByteOperations.UnsafeWrap(state.BaseKey),
            BaseKeyIsOurs = state.BaseKeyIsOurs,
        };
        if (state.SendingChain is not null)
        {
            structure.SendingChain = ToStructure(state.SendingChain);
        }
        foreach (var chain in state.ReceivingChains)
        {
            structure.ReceivingChains.Add(ToStructure(chain));
        }
        if (state.PendingPreKey is { } pending)
        {
            structure.PendingPreKey = new PendingPreKeyStructure
            {
                SignedPreKeyId = pending.SignedPreKeyId,
                BaseKey = UnsafeByteOperations.UnsafeWrap(pending.BaseKey),
            };
            if (pending.PreKeyId is { } id)
            {
                structure.PendingPreKey.PreKeyId = id;
            }
        }
        return structure;
    }

    private static ChainStructure ToStructure(ChainState chain) => chain.Serialized ??= BuildStructure(chain);

    private static ChainStructure BuildStructure(ChainState chain)
    {
        var structure = new ChainStructure
        {
            RatchetKey = UnsafeByteOperations.UnsafeWrap(chain.RatchetKey),
            NextIndex = chain.NextIndex,
        };
        if (chain.ChainKey is not null)
        {
            structure.ChainKey = UnsafeByteOperations.UnsafeWrap(chain.ChainKey);
        }
        if (chain.Skipped is not null)
        {
            foreach (var skipped in chain.Skipped)
            {
                structure.Skipped.Add(new SkippedMessageKeyStructure { Index = skipped.Index, Key = UnsafeByteOperations.UnsafeWrap(skipped.Seed) });
            }
        }
        return structure;
    }

    private static SessionState FromStructure(SessionStructure structure)
    {
        if (structure.ReceivingChains.Count > SessionLimits.MaxReceivingChains)
        {
            throw new InvalidMessageException($"session holds {structure.ReceivingChains.Count} receiving chains");
        }
        var state = new SessionState
        {
            RemoteRegistrationId = structure.RemoteRegistrationId,
            RemoteIdentityKey = IdentityKey.FromBytes(PublicKeys.RequirePrefixed(structure.RemoteIdentityKey.Span, "remote identity key")),
            BaseKey = PublicKeys.RequirePrefixed(structure.BaseKey.Span, "base key"),
            BaseKeyIsOurs = structure.BaseKeyIsOurs,
            RootKey = SecretKey(structure.RootKey, "root key"),
            SenderRatchetPublic = PublicKeys.RequirePrefixed(structure.SenderRatchetPublic.Span, "sender ratchet key"),
            SenderRatchetPrivate = SecretKey(structure.SenderRatchetPrivate, "sender ratchet private key"),
            LastRemoteRatchetKey = PublicKeys.RequirePrefixed(structure.LastRemoteRatchetKey.Span, "last remote ratchet key"),
            PreviousCounter = structure.PreviousCounter,
            SendingChain = structure.SendingChain is null ? null : FromStructure(structure.SendingChain),
        };
        if (state.SendingChain is { ChainKey: null })
        {
            throw new InvalidMessageException("session's sending chain has no chain key");
        }
        foreach (var chain in structure.ReceivingChains)
        {
            state.ReceivingChains.Add(FromStructure(chain));
        }
        if (structure.PendingPreKey is { } pending)
        {
            state.PendingPreKey = new PendingPreKey(pending.HasPreKeyId ? pending.PreKeyId : null, pending.SignedPreKeyId,
                PublicKeys.RequirePrefixed(pending.BaseKey.Span, "pending pre-key base key"));
        }
        state.Serialized = structure;
        return state;
    }

    private static ChainState FromStructure(ChainStructure structure)
    {
        if (structure.Skipped.Count > SessionLimits.MaxSkippedKeysPerChain)
        {
            throw new InvalidMessageException($"chain holds {structure.Skipped.Count} skipped keys");
        }
        List<SkippedMessageKey>? skipped = null;
        if (structure.Skipped.Count > 0)
        {
            skipped = new List<SkippedMessageKey>(structure.Skipped.Count);
            foreach (var key in structure.Skipped)
            {
                skipped.Add(new SkippedMessageKey(key.Index, SecretKey(key.Key, "skipped message key")));
            }
        }
        var chainKey = structure.ChainKey.IsEmpty ? null : SecretKey(structure.ChainKey, "chain key");
        return new ChainState(PublicKeys.RequirePrefixed(structure.RatchetKey.Span, "chain ratchet key"), chainKey, structure.NextIndex, skipped)
        {
            Serialized = structure,
        };
    }

    private static byte[] SecretKey(ByteString value, string what)
    {
        if (value.Length != SignalKdf.KeyLength)
        {
            throw new InvalidMessageException($"{what} must be {SignalKdf.KeyLength} bytes, got {value.Length}");
        }
        return value.ToByteArray();
    }
}
