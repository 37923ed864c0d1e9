namespace WaCluster.Simulator.AppState;

/// <summary>The collections WhatsApp keeps per account, in the order clients sync them.</summary>
internal static class AppStateCollections
{
    public static readonly string[] Names = ["critical_block", "critical_unblock_low", "regular_high", "regular_low", "regular"];
}
