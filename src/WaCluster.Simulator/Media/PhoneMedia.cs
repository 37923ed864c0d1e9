using Google.Protobuf;
using WaCluster.Protocol.Media;
using WaCluster.Protocol.Proto;

namespace WaCluster.Simulator;

/// <summary>The simulated phone sending media: it encrypts and stores the blob on the media host itself and keeps it to answer re-upload requests.</summary>
public sealed partial class WaSimulator
{
    /// <summary>
    /// The phone of <paramref name="phoneNumber"/> sends <paramref name="content"/> as an image, video, audio, document
    /// or sticker message to <paramref name="to"/>. Returns the message id.
    /// </summary>
    public async Task<string> PhoneSendMediaAsync(string phoneNumber, string to, MediaType type, byte[] content, string? mimetype = null)
    {
        var mediaKey = MediaKeys.GenerateMediaKey();
        var blob = MediaEncryptor.Encrypt(content, mediaKey, type, out var encrypted);
        var directPath = Media.StoreUploaded(type, blob);
        string id;
        lock (Gate) id = NewMessageId();
        Media.RememberPhoneMedia(phoneNumber, id, new PhoneSentMedia(type, mediaKey, blob));
        var message = BuildMessage(type, encrypted, "https://" + MediaHostName + directPath, directPath, mimetype);
        return await PhoneSendAsync(phoneNumber, to, message, "media", id);
    }

    private static Message BuildMessage(MediaType type, EncryptedMedia e, string url, string directPath, string? mimetype)
    {
        var key = ByteString.CopyFrom(e.MediaKey);
        var plainHash = ByteString.CopyFrom(e.FileSha256);
        var blobHash = ByteString.CopyFrom(e.FileEncSha256);
        var length = (ulong)e.FileLength;
        var keyTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return type switch
        {
            MediaType.Image => new Message { ImageMessage = new() { Url = url, DirectPath = directPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = mimetype ?? "image/jpeg" } },
            MediaType.Video => new Message { VideoMessage = new() { Url = url, DirectPath = directPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = mimetype ?? "video/mp4" } },
            MediaType.Audio => new Message { AudioMessage = new() { Url = url, DirectPath = directPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = mimetype ?? "audio/ogg; codecs=opus" } },
            MediaType.Document => new Message { DocumentMessage = new() { Url = url, DirectPath = directPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = mimetype ?? "application/octet-stream", FileName = "file" } },
            MediaType.Sticker => new Message { StickerMessage = new() { Url = url, DirectPath = directPath, MediaKey = key, FileSha256 = plainHash, FileEncSha256 = blobHash,
                FileLength = length, MediaKeyTimestamp = keyTime, Mimetype = mimetype ?? "image/webp" } },
            _ => throw new SimulatorException($"the phone does not send {type.WireName()} media"),
        };
    }
}

/// <summary>A media the simulated phone sent: it still holds the blob (as a phone holds the file) to upload it again on request.</summary>
internal sealed record PhoneSentMedia(MediaType Type, byte[] MediaKey, byte[] Blob)
{
    public override string ToString() => $"PhoneSentMedia({Type}, {Blob.Length} bytes)";
}
