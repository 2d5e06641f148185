// The operator actions of the upgrade detail page: a button per action the upgrade's state allows
// (operators only; the server decides and answers 409 with the reason when the state forbids),
// each confirmed in a dialog that takes an optional note (and for mark, the verdict).
'use strict';
const UpshiftActions = (() => {
  const { api, json, el, message } = Upshift;
  const $ = (id) => document.getElementById(id);
  const ACTIVE = ['PENDING', 'PRECHECKING', 'UPGRADING', 'VERIFYING', 'ROLLING_BACK', 'STOPPING'];
  const ENDED_FOR_ROLLBACK = ['SUCCEEDED', 'FAILED', 'STOPPED', 'FORCE_STOPPED', 'MARKED_SUCCEEDED', 'MARKED_FAILED'];
  const rolledBack = (u) => (u.services || []).some((s) => s.state === 'ROLLED_BACK' || s.state === 'ROLLBACK_FAILED');
  const ACTIONS = {
    stop: {
      allowed: (u) => ['PENDING', 'PRECHECKING', 'UPGRADING'].includes(u.state),
      title: 'Stop this upgrade?',
      text: 'No further service starts; services mid-roll finish their step. A downtime upgrade brings every service back up at its previous version.',
      done: 'Stop requested: the upgrade ends STOPPED once the services mid-roll have finished.',
    },
    'force-stop': {
      allowed: (u) => ACTIVE.includes(u.state),
      title: 'Force stop this upgrade?',
      text: 'Abandons it at once: nothing more is done in the cluster, and the lock is released. Services mid-roll are left as they are; the record shows each service\'s image and replicas.',
      done: 'Force stopped: nothing more is done in the cluster.',
    },
    cancel: {
      allowed: (u) => ['PENDING', 'PRECHECKING'].includes(u.state),
      title: 'Cancel this upgrade?',
      text: 'It has not changed anything yet; it ends CANCELLED and nothing in the cluster changes.',
      done: 'Cancelled: nothing in the cluster was changed.',
    },
    resume: {
      allowed: (u) => ['STOPPED', 'FORCE_STOPPED'].includes(u.state) || (u.state === 'FAILED' && !rolledBack(u)),
      title: 'Resume this upgrade?',
      text: 'Takes the platform lock again and continues where the cluster stands: services already at the target are skipped.',
      done: 'Resumed.',
    },
    'resume-verification': {
      allowed: (u) => u.state === 'FAILED' && !rolledBack(u) && !!u.verification
        && u.verification.services.some((s) => s.checks.some((c) => c.result === 'fail')),
      title: 'Resume verification?',
      text: 'Takes the platform lock again and runs every verification check again. The upgrade succeeds once they all pass.',
      done: 'Verification resumed.',
    },
    mark: {
      allowed: (u) => u.state === 'FORCE_STOPPED',
      title: 'Mark this upgrade',
      text: 'Record your verdict on this force-stopped upgrade. Succeeded makes its target the platform\'s current version.',
      verdict: true,
      done: 'Marked.',
    },
    rollback: {
      allowed: (u) => ENDED_FOR_ROLLBACK.includes(u.state) && !u.rolledBackBy,
      title: 'Roll back this upgrade?',
      text: 'Starts a new upgrade that puts every service back to the image this one started from, in reverse dependency order.',
      done: 'Rollback started.',
    },
  };
  let current = null;

  function render(u, operator) {
    for (const [name, action] of Object.entries(ACTIONS)) {
      $('action-' + name).hidden = !(operator && action.allowed(u));
    }
  }

  /** Extra facts: the operator actions taken, and the link between an upgrade and its rollback. */
  function facts(u, fact) {
    const link = (id) => el('a', { href: 'detail.html?id=' + encodeURIComponent(id), text: id });
    const out = [];
    if (u.rollbackOf) out.push(...fact('Rollback of', link(u.rollbackOf)));
    if (u.rolledBackBy) out.push(...fact('Rolled back by', link(u.rolledBackBy)));
    if (u.actions && u.actions.length) {
      out.push(...fact('Actions', el('ul', { id: 'action-list' }, u.actions.map((a) => el('li', {
        text: `${a.action} by ${a.by} (${a.fromState} → ${a.toState})${a.note ? ': ' + a.note : ''}`,
      })))));
    }
    return out;
  }

  function open(name) {
    current = name;
    const action = ACTIONS[name];
    $('action-title').textContent = action.title;
    $('action-text').textContent = action.text;
    $('verdict-field').hidden = !action.verdict;
    $('action-verdict').value = '';
    $('action-note').value = '';
    $('action-confirm').textContent = $('action-' + name).textContent.replace('…', '');
    $('action-dialog').showModal();
  }

  function bind(base, messages, refresh) {
    for (const name of Object.keys(ACTIONS)) {
      $('action-' + name).addEventListener('click', () => open(name));
    }
    $('dialog-close').addEventListener('click', () => $('action-dialog').close());
    $('action-confirm').addEventListener('click', async () => {
      const action = ACTIONS[current];
      const body = { note: $('action-note').value.trim() || null };
      if (action.verdict) {
        if (!$('action-verdict').value) {
          $('action-verdict').focus();
          return;
        }
        body.verdict = $('action-verdict').value;
      }
      $('action-dialog').close();
      const response = await api(`${base}/${current}`, { method: 'POST', contentType: 'application/json', body: JSON.stringify(body) });
      const answer = await json(response);
      if (!response.ok) {
        message(messages, 'error', answer.error || `${current} failed (${response.status})`, answer.reasons);
      } else if (current === 'rollback') {
        location.assign('detail.html?id=' + encodeURIComponent(answer.id));
        return;
      } else {
        message(messages, 'info', action.done);
      }
      refresh();
    });
  }

  return { render, bind, facts };
})();
