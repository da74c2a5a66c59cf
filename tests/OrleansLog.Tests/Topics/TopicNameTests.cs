using OrleansLog.Errors;
using OrleansLog.Topics;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Tests.Topics;

public sealed class TopicNameTests
{
    private const string Legal = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    [Theory]
    [InlineData("a")]
    [InlineData("orders")]
    [InlineData("Orders.EU-west_1")]
    [InlineData("...")]
    [InlineData(".a")]
    [InlineData("..a")]
    [InlineData("_")]
    [InlineData("-")]
    [InlineData("0")]
    public void Validate_accepts_legal_names(string name)
    {
        TopicName.Validate(name);
    }

    [Fact]
    public void Validate_accepts_a_name_of_exactly_249_characters_and_rejects_250()
    {
        TopicName.Validate(new string('x', 249));

        var ex = Assert.Throws<InvalidTopicException>(() => TopicName.Validate(new string('x', 250)));
        Assert.Contains("250", ex.Message);
        Assert.Contains("249", ex.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_rejects_a_missing_name_as_empty(string? name)
    {
        var ex = Assert.Throws<InvalidTopicException>(() => TopicName.Validate(name));

        Assert.Contains("empty", ex.Message);
        Assert.Equal(ErrorCode.InvalidTopic, ex.ErrorCode);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void Validate_rejects_dot_and_dot_dot_as_reserved(string name)
    {
        var ex = Assert.Throws<InvalidTopicException>(() => TopicName.Validate(name));

        Assert.Contains("reserved", ex.Message);
    }

    [Theory]
    [InlineData("my topic", ' ')]
    [InlineData("a/b", '/')]
    [InlineData("a\\b", '\\')]
    [InlineData("a:b", ':')]
    [InlineData("a+b", '+')]
    [InlineData("café", 'é')]
    [InlineData("ａ", 'ａ')] // full-width letter: not ASCII
    [InlineData("٣", '٣')]   // Arabic-Indic digit: not ASCII
    [InlineData("a\nb", '\n')]
    [InlineData("orders*", '*')]
    public void Validate_rejects_an_illegal_character_naming_it(string name, char bad)
    {
        var ex = Assert.Throws<InvalidTopicException>(() => TopicName.Validate(name));

        Assert.Contains($"'{bad}'", ex.Message);
        Assert.Equal(ErrorCode.InvalidTopic, ex.ErrorCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Validate_agrees_with_the_kafka_rule_for_random_names(int seed)
    {
        var random = new Random(seed);
        const string alphabet = Legal + " /:#é@+";
        for (var i = 0; i < 2000; i++)
        {
            var length = random.Next(0, 5) == 0 ? random.Next(245, 255) : random.Next(0, 6);
            var name = new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(random.Next(4) == 0 ? alphabet.Length : Legal.Length)]).ToArray());
            var legal = name.Length is >= 1 and <= 249 && name is not "." and not ".." && name.All(c => Legal.Contains(c));

            if (legal)
            {
                TopicName.Validate(name);
            }
            else
            {
                Assert.Throws<InvalidTopicException>(() => TopicName.Validate(name));
            }
        }
    }
}
