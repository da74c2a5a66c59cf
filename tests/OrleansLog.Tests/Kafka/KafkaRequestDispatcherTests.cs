using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLog.Errors;
using OrleansLog.Kafka.Apis;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Tests.Kafka;

public sealed class KafkaRequestDispatcherTests
{
    private readonly KafkaRequestDispatcher _dispatcher;
    private readonly DeferredLeaveStub _deferred = new();

    public KafkaRequestDispatcherTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IKafkaApiHandler, ApiVersionsHandler>();
        services.AddSingleton<IKafkaApiHandler, HeartbeatStub>();
        services.AddSingleton<IKafkaApiHandler>(_deferred);
        services.AddSingleton(sp => new KafkaRequestDispatcher(sp.GetServices<IKafkaApiHandler>(), NullLogger<KafkaRequestDispatcher>.Instance));
        _dispatcher = services.BuildServiceProvider().GetRequiredService<KafkaRequestDispatcher>();
    }

    [Fact]
    public async Task ApiVersions_advertises_every_served_api_from_version_zero_up_to_its_handlers_highest()
    {
        var (header, response) = await RoundTripAsync<ApiVersionsResponse>(KafkaApiKey.ApiVersions, 3, new ApiVersionsRequest { ClientSoftwareName = "test", ClientSoftwareVersion = "1" });

        Assert.Equal(7, header.CorrelationId);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal(
            [((short)KafkaApiKey.Heartbeat, (short)0, (short)3), ((short)KafkaApiKey.LeaveGroup, (short)0, (short)0), ((short)KafkaApiKey.ApiVersions, (short)0, (short)4)],
            response.ApiKeys.Select(k => (k.ApiKey, k.MinVersion, k.MaxVersion)));
    }

    [Fact]
    public async Task ApiVersions_at_a_version_the_broker_does_not_know_answers_unsupported_version_in_the_v0_layout_with_the_ranges()
    {
        // A client from the future: ApiVersions v9, header v2, a body this broker cannot read.
        var request = Frame(KafkaApiKey.ApiVersions, 9, headerVersion: 2, (ref KafkaWriter writer) => writer.WriteRaw([0xFF, 0xFF, 0xFF]));
        var output = await AnswerAsync(request);

        var reader = new KafkaReader(output.WrittenMemory);
        var header = new ResponseHeader();
        header.Read(ref reader, 0);
        var response = new ApiVersionsResponse();
        response.Read(ref reader, 0);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal((short)KafkaErrorCode.UnsupportedVersion, response.ErrorCode);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == (short)KafkaApiKey.ApiVersions && k.MaxVersion == 4);
    }

    [Fact]
    public async Task A_version_below_what_the_handler_serves_gets_the_handlers_error_answer()
    {
        var (_, response) = await RoundTripAsync<HeartbeatResponse>(KafkaApiKey.Heartbeat, 0, new HeartbeatRequest { GroupId = "g" });

        Assert.Equal((short)KafkaErrorCode.UnsupportedVersion, response.ErrorCode);
    }

    [Fact]
    public async Task An_OrleansLog_error_in_a_handler_becomes_its_Kafka_error_code()
    {
        var (_, response) = await RoundTripAsync<HeartbeatResponse>(KafkaApiKey.Heartbeat, 2, new HeartbeatRequest { GroupId = "boom" });

        Assert.Equal((short)KafkaErrorCode.UnknownMemberId, response.ErrorCode);
    }

    [Fact]
    public async Task An_api_no_handler_serves_is_a_protocol_error_that_closes_the_connection()
    {
        var request = Frame(KafkaApiKey.Metadata, 1, headerVersion: 1, (ref KafkaWriter writer) => new MetadataRequest().Write(ref writer, 1));

        await Assert.ThrowsAsync<KafkaProtocolException>(() => _dispatcher.StartAsync(request, null, default).AsTask());
    }

    [Fact]
    public async Task A_truncated_request_is_a_protocol_error()
    {
        var request = Frame(KafkaApiKey.Heartbeat, 2, headerVersion: 1, (ref KafkaWriter writer) => writer.WriteInt16(3));

        await Assert.ThrowsAsync<KafkaProtocolException>(() => _dispatcher.StartAsync(request, null, default).AsTask());
    }

    private async Task<(ResponseHeader Header, TResponse Response)> RoundTripAsync<TResponse>(KafkaApiKey api, short version, IKafkaMessage request)
        where TResponse : IKafkaMessage, new()
    {
        var frame = Frame(api, version, KafkaApis.RequestHeaderVersion((short)api, version), (ref KafkaWriter writer) => request.Write(ref writer, version));
        var output = await AnswerAsync(frame);
        var reader = new KafkaReader(output.WrittenMemory);
        var header = new ResponseHeader();
        header.Read(ref reader, KafkaApis.ResponseHeaderVersion((short)api, version));
        var response = new TResponse();
        response.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return (header, response);
    }

    [Fact]
    public async Task A_request_that_is_ordered_at_once_and_answered_later_starts_before_its_answer_and_a_late_failure_becomes_its_error_code()
    {
        var frame = Frame(KafkaApiKey.LeaveGroup, 0, headerVersion: 1, (ref KafkaWriter writer) => new LeaveGroupRequest { GroupId = "g", MemberId = "m" }.Write(ref writer, 0));

        var answer = await _dispatcher.StartAsync(frame, null, default);

        Assert.False(answer.IsCompleted);
        _deferred.Answer.SetException(new UnknownMemberException("member m left group g"));
        var response = await answer;
        Assert.NotNull(response);
        Assert.Equal((short)KafkaErrorCode.UnknownMemberId, ((LeaveGroupResponse)response.Message).ErrorCode);
        Assert.Equal(7, response.CorrelationId);
    }

    // Starts the request, waits for its answer and writes it as the connection would (without the size prefix).
    private async Task<ArrayBufferWriter<byte>> AnswerAsync(ReadOnlyMemory<byte> frame)
    {
        var response = await await _dispatcher.StartAsync(frame, null, default);
        Assert.NotNull(response);
        var output = new ArrayBufferWriter<byte>();
        response.Write(output);
        return output;
    }

    private delegate void BodyWriter(ref KafkaWriter writer);

    private static ReadOnlyMemory<byte> Frame(KafkaApiKey api, short version, short headerVersion, BodyWriter body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        new RequestHeader { RequestApiKey = (short)api, RequestApiVersion = version, CorrelationId = 7, ClientId = "tests" }.Write(ref writer, headerVersion);
        body(ref writer);
        return buffer.WrittenMemory;
    }

    // Serves Heartbeat v1-v3; a group named "boom" fails as an unknown member.
    private sealed class HeartbeatStub : KafkaApiHandler<HeartbeatRequest, HeartbeatResponse>
    {
        public override KafkaApiKey ApiKey => KafkaApiKey.Heartbeat;

        public override short MinVersion => 1;

        public override short MaxVersion => 3;

        protected override ValueTask<HeartbeatResponse?> HandleAsync(KafkaRequestContext context, HeartbeatRequest request, CancellationToken cancellationToken) =>
            request.GroupId == "boom"
                ? throw new UnknownMemberException("member m is not in group boom")
                : ValueTask.FromResult<HeartbeatResponse?>(new HeartbeatResponse());

        protected override HeartbeatResponse ErrorResponse(HeartbeatRequest request, KafkaErrorCode error) => new() { ErrorCode = (short)error };
    }

    // Serves LeaveGroup v0: ordered at once, answered when the test completes Answer.
    private sealed class DeferredLeaveStub : IKafkaApiHandler
    {
        public TaskCompletionSource<IKafkaMessage?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public KafkaApiKey ApiKey => KafkaApiKey.LeaveGroup;

        public short MinVersion => 0;

        public short MaxVersion => 0;

        public ValueTask<Task<IKafkaMessage?>> StartAsync(KafkaRequestContext context, IKafkaMessage request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Answer.Task);

        public IKafkaMessage ErrorResponse(IKafkaMessage request, KafkaErrorCode error) => new LeaveGroupResponse { ErrorCode = (short)error };
    }
}
