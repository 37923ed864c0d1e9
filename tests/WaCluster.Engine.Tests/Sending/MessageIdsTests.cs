using WaCluster.Core.Messaging;

namespace WaCluster.Engine.Tests.Sending;

public sealed class MessageIdsTests
{
    [Theory]
    [InlineData("3EB0A1B2C3D4E5F6A7B8C9")]
    [InlineData("order-17_retry.2")]
    [InlineData("x")]
    public void Ids_of_letters_digits_dash_underscore_and_dot_are_accepted(string id) => Assert.Equal(id, MessageIds.Validate(id));

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("pipe|splits-dedupe-keys")]
    [InlineData("quote\"")]
    [InlineData("ünïcode")]
    public void Other_ids_are_a_typed_error(string id) => Assert.Throws<InvalidMessageIdException>(() => MessageIds.Validate(id));

    [Fact]
    public void Ids_longer_than_the_limit_are_refused_and_the_error_does_not_echo_them_whole()
    {
        Assert.Equal(64, MessageIds.Validate(new string('a', MessageIds.MaxLength)).Length);
        var error = Assert.Throws<InvalidMessageIdException>(() => MessageIds.Validate(new string('a', 100_000)));
        Assert.True(error.Message.Length < 200);
    }

    [Fact]
    public void New_ids_have_whatsapp_web_form_and_pass_validation()
    {
        var id = MessageIds.New();
        Assert.StartsWith("3EB0", id, StringComparison.Ordinal);
        Assert.Equal(22, id.Length);
        Assert.Equal(id, MessageIds.Validate(id));
        Assert.NotEqual(id, MessageIds.New());
    }
}
