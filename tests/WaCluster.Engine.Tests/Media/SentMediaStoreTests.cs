using WaCluster.Engine.Media;
using WaCluster.Protocol.Media;

namespace WaCluster.Engine.Tests.Media;

/// <summary>The bounded store that answers re-upload requests: by bound id, by the key that opens a sealed request, oldest forgotten.</summary>
[Trait("Proof", "media-interop")]
public sealed class SentMediaStoreTests
{
    [Fact]
    public void Requests_find_their_media_by_id_or_by_the_key_that_opens_them_and_the_oldest_are_forgotten()
    {
        var store = new SentMediaStore(capacity: 3);
        var media = Enumerable.Range(0, 4).Select(_ => new SentMedia(MediaType.Image, MediaKeys.GenerateMediaKey(), new byte[32], () => Stream.Null)).ToArray();
        store.Add(media[0]);
        store.Add(media[1]);
        store.Bind("3EB0A", media[0]);
        Assert.Same(media[0], store.Find("3EB0A", null));
        Assert.Null(store.Find("3EB0B", null));

        // Unbound: the one whose key seals the request for this id, and only for this id.
        var request = MediaRetryCrypto.EncryptRequest("3EB0B", media[1].MediaKey);
        Assert.Null(store.Find("3EB0C", request));
        Assert.Same(media[1], store.Find("3EB0B", request));
        Assert.Same(media[1], store.Find("3EB0B", null)); // bound by the first match
        Assert.Null(store.Find("3EB0D", MediaRetryCrypto.EncryptRequest("3EB0D", MediaKeys.GenerateMediaKey())));

        store.Add(media[2]);
        store.Add(media[3]);
        Assert.Null(store.Find("3EB0A", null)); // media[0] and its binding are gone
        Assert.Null(store.Find("3EB0E", MediaRetryCrypto.EncryptRequest("3EB0E", media[0].MediaKey)));
        store.Bind("3EB0F", media[0]);
        Assert.Null(store.Find("3EB0F", null));
        Assert.Same(media[3], store.Find("3EB0G", MediaRetryCrypto.EncryptRequest("3EB0G", media[3].MediaKey)));
    }
}
