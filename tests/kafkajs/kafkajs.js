// KafkaJS against an OrleansLog silo, for tests/OrleansLog.KafkaTests. One command per run; the answer is one line of JSON on
// stdout (KafkaJS logs only errors, to stderr); a failure exits 1 with the error on stderr.
//
//   node kafkajs.js metadata <bootstrap> [topic]   the cluster (brokers, controller, cluster id), every topic name, and the
//                                                 partitions and leaders of [topic]
//   node kafkajs.js produce <bootstrap> <topic>   sends the records given as a JSON array on stdin
//                                                 ([{partition, key, value, headers: {name: value}, timestamp}], null allowed
//                                                 for key and value), acks=all, and prints the produce results
//   node kafkajs.js offsets <bootstrap> <topic>   the low and high offsets of every partition (ListOffsets)
//   node kafkajs.js group <bootstrap> <topic>     three consumers of the group given on stdin ({group}) share the topic; the script
//                                                 produces 300 keyed records, waits until they are consumed, disconnects one
//                                                 consumer, produces 300 more and waits for them; prints each consumer's
//                                                 assignments (from its GROUP_JOIN events), the partitions it held once all
//                                                 records were read (final) and the records it received
//   node kafkajs.js join <bootstrap> <topic>      one consumer tries to join the group given on stdin ({group}) and prints whether it
//                                                 joined, or the error type that stopped it
//   node kafkajs.js schemas <bootstrap> <topic>   with @kafkajs/confluent-schema-registry and the stdin's {registry, schema, group,
//                                                 records, expected}: registers the Avro schema under <topic>-value, produces the
//                                                 records encoded with it (Confluent's wire format), then reads the topic from the
//                                                 beginning in the group until it has <expected> records and decodes every one,
//                                                 whoever wrote it; prints the id it registered and each record's offset, id and value
//   node kafkajs.js member <bootstrap> <topic>    one consumer of the group given on stdin ({group, sessionTimeout}) that runs until
//                                                 SIGTERM (it then leaves) or SIGKILL, printing a line of JSON per assignment
//                                                 ({assigned: [partitions]}) and per record ({key, partition, offset})
'use strict';

const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function withAdmin(kafka, use) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

const commands = {
  async metadata(kafka, topic) {
    return withAdmin(kafka, async (admin) => {
      const cluster = await admin.describeCluster();
      const topics = await admin.listTopics();
      let partitions = null;
      if (topic) {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        partitions = metadata.topics[0].partitions
          .map((p) => ({ partition: p.partitionId, leader: p.leader, error: p.partitionErrorCode }))
          .sort((a, b) => a.partition - b.partition);
      }
      return {
        clusterId: cluster.clusterId,
        controller: cluster.controller,
        brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
        topics,
        partitions,
      };
    });
  },

  async produce(kafka, topic) {
    const records = JSON.parse(await readStdin());
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const results = await producer.send({
        topic,
        acks: -1,
        messages: records.map((r) => ({
          partition: r.partition,
          key: r.key,
          value: r.value,
          headers: r.headers ?? undefined,
          timestamp: r.timestamp ?? undefined,
        })),
      });
      return results.map((r) => ({ partition: r.partition, errorCode: r.errorCode, baseOffset: r.baseOffset }));
    } finally {
      await producer.disconnect();
    }
  },

  async offsets(kafka, topic) {
    return withAdmin(kafka, async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets
        .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
        .sort((a, b) => a.partition - b.partition);
    });
  },
};

function waitFor(condition, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }
    }, 50);
  });
}

async function produceKeyed(kafka, topic, prefix, count) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const messages = Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}` }));
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

async function startMember(kafka, topic, group, name) {
  const member = { name, assignments: [], received: [] };
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  member.consumer = consumer;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member.current = (e.payload.memberAssignment[topic] || []).slice().sort((a, b) => a - b);
    member.assignments.push(member.current);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      member.received.push({ key: message.key.toString(), partition, offset: Number(message.offset) });
    },
  });
  return member;
}

const groupCommands = {
  async group(kafka, topic, { group }) {
    const members = [];
    for (const name of ['a', 'b', 'c']) {
      members.push(await startMember(kafka, topic, group, name));
    }
    const describe = () => JSON.stringify(members.map((m) => ({ name: m.name, current: m.current, received: m.received.length })));
    const received = () => members.reduce((sum, m) => sum + m.received.length, 0);
    await waitFor(() => members.every((m) => m.current && m.current.length === 2), 60000, describe);
    await produceKeyed(kafka, topic, 'first', 300);
    await waitFor(() => received() >= 300, 60000, describe);
    // KafkaJS commits on its own interval and on disconnect, which also sends LeaveGroup.
    await members[2].consumer.disconnect();
    await waitFor(() => members.slice(0, 2).every((m) => m.current.length === 3), 60000, describe);
    await produceKeyed(kafka, topic, 'second', 300);
    await waitFor(() => received() >= 600, 60000, describe);
    await new Promise((r) => setTimeout(r, 500));
    // What each member held while all records were read: the disconnects below may rebalance once more (the last one to leave may be
    // handed all six partitions for a moment), which says nothing about the takeover.
    const final = members.map((m) => m.current);
    await Promise.all(members.slice(0, 2).map((m) => m.consumer.disconnect()));
    return members.map((m, i) => ({ name: m.name, assignments: m.assignments, final: final[i], received: m.received }));
  },

  async schemas(kafka, topic, { registry: host, schema, group, records, expected }) {
    const registry = new SchemaRegistry({ host });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: `${topic}-value` });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const messages = [];
      for (const value of records) {
        messages.push({ key: `k${value.id}`, value: await registry.encode(id, value) });
      }
      await producer.send({ topic, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }

    const decoded = [];
    const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        decoded.push({ offset: Number(message.offset), id: message.value.readInt32BE(1), value: await registry.decode(message.value) });
      },
    });
    await waitFor(() => decoded.length >= expected, 60000, () => `${decoded.length} of ${expected} records`);
    await consumer.disconnect();
    return { id, records: decoded.sort((a, b) => a.offset - b.offset) };
  },

  async join(kafka, topic, { group }) {
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, retry: { retries: 0 } });
    let joined = false;
    let crash = null;
    consumer.on(consumer.events.GROUP_JOIN, () => { joined = true; });
    consumer.on(consumer.events.CRASH, (e) => { crash = e.payload.error; });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    await waitFor(() => joined || crash, 60000, () => 'a join or a crash');
    await consumer.disconnect().catch(() => {});
    return { joined, error: crash ? (crash.type || crash.name) : null };
  },
};

// A long-running member: its lines go out as they happen, and the process ends only by signal.
async function runMember(kafka, topic, { group, sessionTimeout }) {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const assigned = (e.payload.memberAssignment[topic] || []).slice().sort((a, b) => a - b);
    process.stdout.write(JSON.stringify({ assigned }) + '\n');
  });
  process.on('SIGTERM', () => consumer.disconnect().then(() => process.exit(0), () => process.exit(1)));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      process.stdout.write(JSON.stringify({ key: message.key.toString(), partition, offset: Number(message.offset) }) + '\n');
    },
  });
}

async function main() {
  const [command, bootstrap, topic] = process.argv.slice(2);
  if (!(commands[command] || groupCommands[command] || command === 'member') || !bootstrap) {
    throw new Error(`usage: node kafkajs.js metadata|produce|offsets|group|join|schemas|member <bootstrap> [topic] (got '${process.argv.slice(2).join(' ')}')`);
  }

  const kafka = new Kafka({
    clientId: 'orleanslog-kafkajs-tests',
    brokers: [bootstrap],
    logLevel: logLevel.ERROR,
    connectionTimeout: 10000,
    retry: { retries: 3 },
  });
  if (command === 'member') {
    await runMember(kafka, topic, JSON.parse(await readStdin()));
    return;
  }

  const result = commands[command]
    ? await commands[command](kafka, topic)
    : await groupCommands[command](kafka, topic, JSON.parse(await readStdin()));
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((error) => {
  process.stderr.write(`kafkajs.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
