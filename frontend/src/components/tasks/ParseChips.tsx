import type { ParsedTask } from '../../api/types';
import { useI18n } from '../../i18n/I18nContext';
import type { Chip } from '../../lib/quickAdd';
import { formatDue, formatInstant } from '../../lib/formatDue';
import { describeRecurrence } from '../../lib/recurrence';
import type { MessageKey } from '../../i18n/en';
import { Icon, type IconName } from '../Icon';

const ICONS: Record<Chip['kind'], IconName> = {
  due: 'calendar',
  reminder: 'bell',
  recurrence: 'repeat',
  priority: 'flag',
  tag: 'tag',
};

/** The parsed date, reminder, repeat, priority and tags as chips the user can dismiss. */
export function ParseChips(props: {
  parsed: ParsedTask;
  chips: Chip[];
  today: string;
  onDismiss: (chip: Chip) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { parsed } = props;

  const label = (chip: Chip): string => {
    switch (chip.kind) {
      case 'due':
        return formatDue(parsed, i18n, props.today) ?? '';
      case 'reminder':
        return parsed.remind_at ? formatInstant(parsed.remind_at, i18n, props.today) : '';
      case 'recurrence':
        return parsed.recurrence ? describeRecurrence(parsed.recurrence, t, i18n.locale) : '';
      case 'priority':
        return t(`priority${parsed.priority}` as MessageKey);
      case 'tag':
        return chip.tag ?? '';
    }
  };

  if (props.chips.length === 0) return null;
  return (
    <ul className="chips" aria-label={t('parsedAs')}>
      {props.chips.map((chip) => {
        const text = label(chip);
        return (
          <li key={chip.id} className={`chip chip-${chip.kind}`} data-kind={chip.kind}>
            <Icon name={ICONS[chip.kind]} />
            <span className="chip-label">{text}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={t('removeChip', { label: chip.source || text })}
              onClick={() => props.onDismiss(chip)}
            >
              <Icon name="close" />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
