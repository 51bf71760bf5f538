import * as Phaser from 'phaser';
import { Player, NpcActor } from '../game/actors.js';
import { GameState } from '../game/state.js';
import { Talk } from '../game/talk.js';
import type { Facing } from '../game/looks.js';
import { Woods } from '../game/woods.js';

type TiledProps = { name: string; value: unknown }[] | undefined;
const prop = (props: TiledProps, name: string) => props?.find((p) => p.name === name)?.value;

/** Start-up hooks: the voice module (or nothing, if voice is unavailable) plugs in here. */
export type VillageHook = (scene: VillageScene) => void;
const hooks: VillageHook[] = [];
export function onVillageCreate(hook: VillageHook): void {
  hooks.push(hook);
}

export class VillageScene extends Phaser.Scene {
  state!: GameState;
  talk!: Talk;
  player!: Player;
  npcs: NpcActor[] = [];
  map!: Phaser.Tilemaps.Tilemap;
  walls!: Phaser.Tilemaps.TilemapLayer;
  #gate?: Phaser.GameObjects.Sprite;
  #gateBody?: Phaser.GameObjects.Zone;
  #signs: { x: number; y: number; text: string }[] = [];
  #signShown: string | null = null;
  #moonwell = { x: -999, y: -999 };
  /** The dark woods beyond the gate (lantern light; the Moonwell lifts it). */
  #woods: Woods | null = null;
  #chest?: Phaser.GameObjects.Sprite;
  /** False until the player has pressed a key or clicked (audio unlock screen). */
  started = false;

  constructor() {
    super('village');
  }

  create(): void {
    this.state = new GameState();
    this.talk = new Talk();
    this.registry.set('state', this.state);
    this.registry.set('talk', this.talk);
    this.npcs = [];

    const map = (this.map = this.make.tilemap({ key: 'village' }));
    const tiles = map.addTilesetImage('village', 'tiles')!;
    const ground = map.createLayer('ground', tiles)!.setDepth(0);
    map.createLayer('decor', tiles)!.setDepth(1);
    this.walls = (map.createLayer('walls', tiles) as Phaser.Tilemaps.TilemapLayer).setDepth(2);
    map.createLayer('above', tiles)!.setDepth(5000);
    this.walls.setCollisionByProperty({ collides: true });
    ground.setCollisionByProperty({ collides: true });
    this.physics.world.setBounds(0, 0, map.widthInPixels, map.heightInPixels);

    const objects = map.getObjectLayer('objects')?.objects ?? [];
    const spawn = objects.find((o) => o.type === 'spawn') ?? {
      x: map.widthInPixels / 2,
      y: map.heightInPixels / 2,
    };
    this.player = new Player(this, spawn.x!, spawn.y!);
    this.physics.add.collider(this.player.sprite, [this.walls, ground]);

    for (const o of objects) {
      if (o.type === 'gate') {
        this.#gate = this.add.sprite(o.x!, o.y!, 'gate', 0).setOrigin(0, 0).setDepth(2.6);
        this.#gateBody = this.add.zone(o.x! + o.width! / 2, o.y! + o.height! / 2, o.width!, o.height!);
        this.physics.add.existing(this.#gateBody, true);
        this.physics.add.collider(this.player.sprite, this.#gateBody);
      }
      if (o.type === 'sign')
        this.#signs.push({ x: o.x! + 8, y: o.y! + 8, text: String(prop(o.properties, 'text') ?? '') });
    }
    const gateObject = objects.find((o) => o.type === 'gate');
    this.#woods = gateObject ? new Woods(this, gateObject.y!, map.widthInPixels) : null;
    // The Moonwell sits at the centre of the clearing beyond the gate (the chest beside it).
    const chest = objects.find((o) => o.type === 'chest');
    if (chest) {
      this.#chest = this.add.sprite(chest.x!, chest.y!, 'chest', 0).setOrigin(0, 0).setDepth(2.6);
      this.#moonwell = { x: chest.x! - 24, y: chest.y! };
    }

    for (const o of map.getObjectLayer('npcs')?.objects ?? []) {
      const facing = (prop(o.properties, 'facing') as Facing | undefined) ?? 'down';
      const npc = new NpcActor(
        this,
        o.name,
        o.name.charAt(0).toUpperCase() + o.name.slice(1),
        o.x!,
        o.y!,
        facing,
      );
      this.npcs.push(npc);
      this.physics.add.collider(this.player.sprite, npc.blocker);
    }

    // The world is drawn at 2x: any text in it (NPC names, the plugin's speech bubbles) renders at
    // the camera's zoom so it stays crisp instead of being scaled up from 1x.
    const crisp = (go: Phaser.GameObjects.GameObject) => {
      if (go instanceof Phaser.GameObjects.Text) go.setResolution(Math.max(2, this.cameras.main.zoom));
    };
    this.events.on(Phaser.Scenes.Events.ADDED_TO_SCENE, crisp);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () =>
      this.events.off(Phaser.Scenes.Events.ADDED_TO_SCENE, crisp),
    );

    const cam = this.cameras.main;
    cam.setBounds(0, 0, map.widthInPixels, map.heightInPixels);
    cam.setZoom(2);
    cam.startFollow(this.player.sprite, true, 0.12, 0.12);
    cam.setBackgroundColor('#2c5e34');

    this.scene.launch('hud');
    if (!this.started) this.scene.launch('start');
    for (const hook of hooks) hook(this);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      this.#signs = [];
      this.state.removeAllListeners();
    });
  }

  /** Opens the north gate (Brenna's client tool). Returns what happened, for the agent. */
  openGate(): string {
    if (!this.#gate || !this.#gateBody?.body) return 'There is no gate here.';
    if (!(this.#gateBody.body as Phaser.Physics.Arcade.StaticBody).enable) return 'The gate is already open.';
    this.#gate.play('gate-open');
    (this.#gateBody.body as Phaser.Physics.Arcade.StaticBody).enable = false;
    this.cameras.main.shake(180, 0.004);
    this.state.complete('gate');
    this.state.emit('toast', 'The north gate swings open!', 'key');
    return 'The gate is open.';
  }

  get gateOpen(): boolean {
    const body = this.#gateBody?.body as Phaser.Physics.Arcade.StaticBody | undefined;
    return body ? !body.enable : false;
  }

  override update(): void {
    this.player.canMove = this.started && !this.talk.typing && !this.registry.get('panelOpen');
    this.player.update();
    let nearest: NpcActor | null = null;
    let best = Infinity;
    for (const npc of this.npcs) {
      const d = Math.hypot(npc.x - this.player.x, npc.y - this.player.y);
      if (d < best) {
        best = d;
        nearest = npc;
      }
    }
    this.talk.nearby = best < 96 ? nearest : null;
    for (const npc of this.npcs) {
      const engaged = this.talk.target === npc || (this.talk.target === null && this.talk.nearby === npc);
      npc.update(this.player.x, this.player.y, engaged && best < 110);
      npc.marker.setVisible(this.talk.target === null && this.talk.nearby === npc);
    }

    const sign = this.#signs.find((s) => Math.hypot(s.x - this.player.x, s.y - this.player.y) < 22);
    if (sign && this.#signShown !== sign.text) this.state.emit('toast', sign.text, 'letter');
    this.#signShown = sign?.text ?? null;

    if (
      !this.state.done.has('moonwell') &&
      Math.hypot(this.#moonwell.x - this.player.x, this.#moonwell.y + 8 - this.player.y) < 40
    ) {
      this.state.complete('moonwell');
      this.state.emit('toast', 'You found the Moonwell. Thornbury thanks you!', 'moon_charm');
      this.#woods?.moonwellFound(this.#moonwell.x, this.#moonwell.y);
    }
    this.#woods?.update(this.player.x, this.player.y, this.cameras.main.worldView);
    if (
      this.#chest &&
      this.#chest.frame.name === '0' &&
      Math.hypot(this.#chest.x + 8 - this.player.x, this.#chest.y + 14 - this.player.y) < 20
    ) {
      this.#chest.setFrame(1);
      this.state.gold += 25;
      this.state.emit('toast', 'The chest holds 25 gold!', 'coin');
      this.state.emit('changed');
    }
  }
}
