using Google.Protobuf;
using WaCluster.Signal.Keys;

namespace WaCluster.Signal.Sessions;

/// <summary>
/// Everything we hold for one peer device: the open session and the archived ones (most recently archived first),
/// at most <see cref="SessionLimits.MaxSessionsPerRecord"/> in all. Archived sessions still decrypt messages that were
/// in flight when a newer session replaced them.
/// A record given to a store is never changed afterwards: operations build a new record sharing the untouched states.
/// </summary>
public sealed class SessionRecord
{
    internal SessionRecord()
    {
    }

    private SessionRecord(SessionState? open, List<SessionState> archived)
    {
        Open = open;
        Archived = archived;
    }

    internal SessionState? Open { get; private set; }

    internal List<SessionState> Archived { get; } = [];

    public bool HasOpenSession => Open is not null;

    /// <summary>The peer device's registration id in the open session.</summary>
    public uint? RemoteRegistrationId => Open?.RemoteRegistrationId;

    public IdentityKey? RemoteIdentityKey => Open?.RemoteIdentityKey;

    /// <summary>The base key naming the open session (0x05-prefixed), as Baileys reports it.</summary>
    public byte[]? OpenSessionBaseKey => Open is null ? null : (byte[])Open.BaseKey.Clone();

    public int ArchivedSessionCount => Archived.Count;

    public byte[] ToByteArray() => SessionRecordSerializer.ToStructure(this).ToByteArray();

    /// <summary>Reads a record written by <see cref="ToByteArray"/>; a corrupt or unknown-version record is an <see cref="InvalidMessageException"/>.</summary>
    public static SessionRecord Parse(ReadOnlySpan<byte> bytes) =>
        SessionRecordSerializer.FromStructure(RecordParsing.Parse(Proto.SessionRecordStructure.Parser, bytes, "session record"));

    internal static SessionRecord FromStates(SessionState? open, List<SessionState> archived) => new(open, archived);

    /// <summary>A new record sharing this one's states, for an operation to change.</summary>
    internal SessionRecord CloneForUpdate() => new(Open, new List<SessionState>(Archived));

    /// <summary>The open session first, then the archived ones, with their positions (-1 = open).</summary>
    internal IEnumerable<(SessionState State, int ArchivedIndex)> StatesInTrialOrder()
    {
        if (Open is not null)
        {
            yield return (Open, -1);
        }
        for (var i = 0; i < Archived.Count; i++)
        {
            yield return (Archived[i], i);
        }
    }

    internal void Replace(int archivedIndex, SessionState state)
    {
        if (archivedIndex < 0)
        {
            Open = state;
        }
        else
        {
            Archived[archivedIndex] = state;
        }
    }

    /// <summary>Makes <paramref name="state"/> the open session, archiving the current one, and drops the oldest beyond the limit.</summary>
    internal void Promote(SessionState state)
    {
        if (Open is not null)
        {
            Archived.Insert(0, Open);
        }
        Open = state;
        var maxArchived = SessionLimits.MaxSessionsPerRecord - 1;
        if (Archived.Count > maxArchived)
        {
            Archived.RemoveRange(maxArchived, Archived.Count - maxArchived);
        }
    }

    /// <summary>The responder session created by the pkmsg carrying <paramref name="baseKey"/>, open or archived.</summary>
    internal (SessionState State, int ArchivedIndex)? FindByTheirBaseKey(ReadOnlySpan<byte> baseKey)
    {
        foreach (var (state, index) in StatesInTrialOrder())
        {
            if (state.IsTheirBaseKey(baseKey))
            {
                return (state, index);
            }
        }
        return null;
    }

    public override string ToString() => $"SessionRecord(open: {HasOpenSession}, archived: {Archived.Count})";
}
