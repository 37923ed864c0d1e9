namespace WaCluster.Engine.Connection;

/// <summary>
/// The refs of one <c>pair-device</c> request shown one after another: the first QR lives longer than the rest.
/// Pure bookkeeping; the engine owns the timer.
/// </summary>
public sealed class QrRotation(IReadOnlyList<string> references, TimeSpan firstLifetime, TimeSpan laterLifetime)
{
    private int _next;

    /// <summary>The next ref and how long its QR is shown, or false when every ref was used (pairing timed out).</summary>
    public bool TryNext(out string reference, out TimeSpan lifetime)
    {
        if (_next >= references.Count)
        {
            reference = string.Empty;
            lifetime = TimeSpan.Zero;
            return false;
        }
        reference = references[_next];
        lifetime = _next == 0 ? firstLifetime : laterLifetime;
        _next++;
        return true;
    }
}
