namespace WaCluster.Simulator.AppState;

/// <summary>
/// How much app state each simulated phone holds before its first companion links: contacts (named in
/// critical_unblock_low), chats among them that are archived or pinned (regular_low) or muted (regular_high), labels
/// each on one chat (regular), plus the push name and locale settings (critical_block). Chats and labelled chats are
/// the first contacts in turn; the phone writes at most <see cref="MutationsPerPatch"/> mutations per patch.
/// </summary>
public sealed record AppStateSeed
{
    public int Contacts { get; init; } = 6;

    public int ArchivedChats { get; init; } = 2;

    public int PinnedChats { get; init; } = 1;

    public int MutedChats { get; init; } = 2;

    public int Labels { get; init; } = 2;

    public int MutationsPerPatch { get; init; } = 50;

    /// <summary>Reads "contacts,archived,pinned,muted,labels" (the CLI form), e.g. "500,20,3,10,5".</summary>
    public static AppStateSeed Parse(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 5 || !parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            throw new ArgumentException($"an app state seed is contacts,archived,pinned,muted,labels (five counts), not '{text}'", nameof(text));
        }
        var counts = parts.Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new AppStateSeed { Contacts = counts[0], ArchivedChats = counts[1], PinnedChats = counts[2], MutedChats = counts[3], Labels = counts[4] };
    }
}
