using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Connections;

namespace WaCluster.Simulator.Pairing;

/// <summary>A registering companion waiting for its QR to be scanned, then for its pair-device-sign answer.</summary>
internal sealed class PendingPairing(ChatConnection connection, CompanionRegistration registration, IReadOnlyList<string> refs)
{
    public ChatConnection Connection { get; } = connection;

    public CompanionRegistration Registration { get; } = registration;

    public IReadOnlyList<string> Refs { get; } = refs;

    /// <summary>Set once scanned: the account, the device slot and what the phone signed.</summary>
    public SimUser? User { get; set; }

    public ushort DeviceId { get; set; }

    public uint KeyIndex { get; set; }

    public byte[]? SignedIdentity { get; set; }

    /// <summary>Set when the companion asked for pairing by code instead of QR.</summary>
    public LinkCodeSession? LinkCode { get; set; }

    /// <summary>Id of the pair-success iq whose answer completes the link.</summary>
    public string? SuccessIqId { get; set; }

    /// <summary>Completes with the linked device, or fails when the companion's answer is wrong or it leaves.</summary>
    public TaskCompletionSource<SimDevice> Linked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
