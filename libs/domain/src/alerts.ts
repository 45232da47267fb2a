import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { AlertNotification } from './schemas/messages.js';
import { parseEvent } from './schemas/parse.js';

/**
 * Publishes `alert` on the alerts topic as the JSON body notification-dispatcher parses
 * (AlertNotification), with `subject` as the SNS Subject for e-mail subscribers. The alert is
 * validated first, so a malformed alert fails here, naming the field, instead of in the dispatcher.
 * Returns the SNS message id.
 */
export async function publishAlert(sns: SNSClient, topicArn: string, alert: AlertNotification): Promise<string | undefined> {
  const body = parseEvent(AlertNotification, alert, 'alert');
  const res = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: body.subject, Message: JSON.stringify(body) }));
  return res.MessageId;
}
