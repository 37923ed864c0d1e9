using WaCluster.Core.Media;

namespace WaCluster.Engine.Media;

/// <summary>Media read from files: opening a file is I/O, so it lives with the engine, not with the pure core's <see cref="OutgoingMedia"/>.</summary>
public static class MediaFiles
{
    extension(OutgoingMedia)
    {
        /// <summary>Media read from a file, which can be reopened for re-upload requests while the file is unchanged.</summary>
        public static OutgoingMedia FromFile(MediaKind kind, string path) =>
            new(kind, File.OpenRead(path)) { Reopen = () => File.OpenRead(path) };
    }
}
