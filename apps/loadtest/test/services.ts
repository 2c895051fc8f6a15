/** REDIS_URL / MONGO_URL from the jest globalSetup of @campzone/testkit. */
export function serviceUrls(): { redisUrl: string; mongoUrl: string } {
  const redisUrl = process.env.REDIS_URL;
  const mongoUrl = process.env.MONGO_URL;
  if (!redisUrl || !mongoUrl) throw new Error('REDIS_URL and MONGO_URL must be set (jest globalSetup from @campzone/testkit does it)');
  return { redisUrl, mongoUrl };
}
