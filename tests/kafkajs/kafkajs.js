// KafkaJS against an OrleansLog silo, for tests/OrleansLog.KafkaTests. One command per run; the answer is one line of JSON on
// stdout (KafkaJS logs only errors, to stderr); a failure exits 1 with the error on stderr.
//
//   node kafkajs.js metadata <bootstrap> [topic]   the cluster (brokers, controller, cluster id), every topic name, and the
//                                                 partitions and leaders of [topic]
//   node kafkajs.js produce <bootstrap> <topic>   sends the records given as a JSON array on stdin
//                                                 ([{partition, key, value, headers: {name: value}, timestamp}], null allowed
//                                                 for key and value), acks=all, and prints the produce results
//   node kafkajs.js offsets <bootstrap> <topic>   the low and high offsets of every partition (ListOffsets)
'use strict';

const { Kafka, logLevel } = require('kafkajs');

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

async function main() {
  const [command, bootstrap, topic] = process.argv.slice(2);
  if (!commands[command] || !bootstrap) {
    throw new Error(`usage: node kafkajs.js metadata|produce|offsets <bootstrap> [topic] (got '${process.argv.slice(2).join(' ')}')`);
  }

  const kafka = new Kafka({
    clientId: 'orleanslog-kafkajs-tests',
    brokers: [bootstrap],
    logLevel: logLevel.ERROR,
    connectionTimeout: 10000,
    retry: { retries: 3 },
  });
  const result = await commands[command](kafka, topic);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((error) => {
  process.stderr.write(`kafkajs.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
